"""Domain core: plain Python, no framework. Imports only the stdlib and the parsing libraries it wraps."""
