"""Chat channels in front of the engine: they relay text plus metadata to its REST channel."""
