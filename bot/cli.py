"""`complaintbot`: the operators' command line (contract section 7).

    complaintbot staff add EMAIL --role agent|manager|admin [--password P]
    complaintbot staff token EMAIL        # prints a new API token (the last word of the output)
    complaintbot staff list
    complaintbot staff revoke EMAIL       # revokes every token of the account
    complaintbot staff deactivate EMAIL
    complaintbot policy check FILE        # errors (exit 1) and warnings of a preset file
    complaintbot policy list
    complaintbot retention [--dry-run]    # erase personal data past the retention period
    complaintbot db upgrade               # apply the migrations
    complaintbot db current
    complaintbot telegram set-webhook URL # register the webhook (with TELEGRAM_WEBHOOK_SECRET)
    complaintbot telegram polling         # development: fetch updates without a public URL

Settings come from the environment (`DATABASE_URL`, ...). Commands that use the registry
apply the migrations first, so a fresh machine works.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="complaintbot", description="Outils du registre des réclamations.")
    sub = parser.add_subparsers(dest="command", required=True)

    staff = sub.add_parser("staff", help="comptes du personnel et jetons d'API")
    staff_sub = staff.add_subparsers(dest="action", required=True)
    add = staff_sub.add_parser("add", help="créer (ou mettre à jour) un compte")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=["agent", "manager", "admin"])
    add.add_argument("--password", help="mot de passe du tableau de bord (sinon aucun)")
    add.add_argument("--ask-password", action="store_true", help="demander le mot de passe au terminal")
    token = staff_sub.add_parser("token", help="émettre un jeton d'API (affiché une seule fois)")
    token.add_argument("email")
    staff_sub.add_parser("list", help="lister les comptes")
    revoke = staff_sub.add_parser("revoke", help="révoquer tous les jetons d'un compte")
    revoke.add_argument("email")
    deactivate = staff_sub.add_parser("deactivate", help="désactiver un compte et révoquer ses jetons")
    deactivate.add_argument("email")

    policy = sub.add_parser("policy", help="préréglages des organisations")
    policy_sub = policy.add_subparsers(dest="action", required=True)
    check = policy_sub.add_parser("check", help="vérifier un fichier de préréglage")
    check.add_argument("file")
    policy_sub.add_parser("list", help="lister les préréglages fournis")

    retention = sub.add_parser("retention", help="effacer les données personnelles en fin de conservation")
    retention.add_argument("--dry-run", action="store_true", help="lister sans rien effacer")

    db = sub.add_parser("db", help="base de données")
    db_sub = db.add_subparsers(dest="action", required=True)
    db_sub.add_parser("upgrade", help="appliquer les migrations")
    db_sub.add_parser("current", help="afficher la révision de la base")

    telegram = sub.add_parser("telegram", help="canal Telegram")
    telegram_sub = telegram.add_subparsers(dest="action", required=True)
    set_webhook = telegram_sub.add_parser("set-webhook", help="déclarer l'adresse du webhook à Telegram")
    set_webhook.add_argument("url", help="https://…/channels/telegram/webhook")
    telegram_sub.add_parser("polling", help="recevoir les messages sans adresse publique (développement)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.command == "policy":
            return _policy(args)
        if args.command == "db":
            return _db(args, settings)
        if args.command == "staff":
            return _staff(args, settings)
        if args.command == "retention":
            return _retention(args, settings)
        if args.command == "telegram":
            return _telegram(args, settings)
    except Exception as exc:  # an operator's tool: one readable line, no traceback
        from bot.domain.complaint import DomainError

        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        print(f"erreur : {message}", file=sys.stderr)
        return 1
    return 2


def _registry(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.services.uow import Registry

    return Registry.from_settings(settings, migrate=True)


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import staff

    registry = _registry(settings)
    try:
        if args.action == "add":
            password = args.password
            if args.ask_password and not password:
                password = getpass.getpass("Mot de passe : ")
            user = staff.add_staff(registry, args.email, args.role, password)
            verb = "créé" if user["created"] else "mis à jour"
            print(f"Compte {verb} : {user['email']} ({user['role']})")
        elif args.action == "token":
            token = staff.issue_token(registry, args.email)
            print(f"Jeton d'API pour {args.email.strip().lower()} (conservez-le, il ne sera plus affiché) :")
            print(token)
        elif args.action == "list":
            for user in staff.list_staff(registry):
                state = "actif" if user["active"] else "désactivé"
                print(f"{user['email']}\t{user['role']}\t{state}")
        elif args.action == "revoke":
            count = staff.revoke_tokens(registry, args.email)
            print(f"{count} jeton(s) révoqué(s) pour {args.email}")
        elif args.action == "deactivate":
            staff.deactivate_staff(registry, args.email)
            print(f"Compte désactivé : {args.email}")
    finally:
        registry.dispose()
    return 0


def _policy(args: argparse.Namespace) -> int:
    from bot.policies import check_policy_file, list_policy_ids

    if args.action == "list":
        for policy_id in list_policy_ids():
            print(policy_id)
        return 0
    errors, warnings = check_policy_file(args.file)
    for error in errors:
        print(f"ERREUR {error}")
    for warning in warnings:
        print(f"avertissement {warning}")
    if errors:
        print(f"{args.file} : {len(errors)} erreur(s), {len(warnings)} avertissement(s)")
        return 1
    print(f"{args.file} : valide, {len(warnings)} avertissement(s)")
    return 0


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    from bot.policies import list_policy_ids, load_policy
    from bot.services.retention import apply_retention

    policies = {pid: load_policy(pid) for pid in list_policy_ids()}
    registry = _registry(settings)
    try:
        references = apply_retention(registry, policies, now=datetime.now(UTC), dry_run=args.dry_run)
    finally:
        registry.dispose()
    for reference in references:
        print(reference)
    verb = "à anonymiser (simulation, rien n'est modifié)" if args.dry_run else "anonymisé(s)"
    print(f"{len(references)} dossier(s) {verb}")
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import migrate

    if args.action == "upgrade":
        migrate.upgrade(settings.database_url)
        print(f"Base à jour (révision {migrate.current(settings.database_url)})")
    else:
        print(migrate.current(settings.database_url) or "aucune")
    return 0


def _telegram(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.channels import telegram

    if not settings.telegram_bot_token:
        print("erreur : TELEGRAM_BOT_TOKEN n'est pas défini", file=sys.stderr)
        return 1
    if args.action == "set-webhook":
        if not args.url.startswith("https://"):
            print("erreur : Telegram n'appelle que des adresses https://", file=sys.stderr)
            return 1
        asyncio.run(telegram.set_webhook(settings, args.url))
        print(f"Webhook Telegram enregistré : {args.url}")
        return 0
    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines show URLs with the bot token
    try:
        asyncio.run(telegram.run_polling(settings))
    except KeyboardInterrupt:
        print("Arrêt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
