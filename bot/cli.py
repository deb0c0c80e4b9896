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
    complaintbot outbox send              # send the e-mails waiting in the outbox (exit 1 on an outage)
    complaintbot outbox status
    complaintbot deadlines notify         # notices to staff (new complaints, deadlines within 2 working days), then send
    complaintbot export csv [--from D] [--to D] [--output FILE]   # the registry for a period
    complaintbot export pdf REFERENCE [--output FILE]             # the complete file
    complaintbot person export --email E [--phone P] [--output FILE]   # access request
    complaintbot person erase --email E [--phone P] [--dry-run]         # erasure request
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
    for add_commands in (_staff_commands, _policy_commands, _retention_commands, _outbox_commands,
                         _deadlines_commands, _export_commands, _person_commands, _db_commands,
                         _telegram_commands):
        add_commands(sub)
    return parser


# the object add_subparsers() returns
type _Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _staff_commands(sub: _Subparsers) -> None:
    staff = sub.add_parser("staff", help="comptes du personnel et jetons d'API")
    staff_sub = staff.add_subparsers(dest="action", required=True)
    add = staff_sub.add_parser("add", help="créer (ou mettre à jour) un compte")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=["agent", "manager", "admin"])
    add.add_argument("--password", help="mot de passe du tableau de bord (sinon aucun)")
    add.add_argument("--ask-password", action="store_true", help="demander le mot de passe au terminal")
    add.add_argument("--can-answer", action=argparse.BooleanOptionalAction, default=None,
                     help="habilité à répondre là où la procédure le demande (plan de gestion) ; "
                          "--no-can-answer retire ce droit")
    token = staff_sub.add_parser("token", help="émettre un jeton d'API (affiché une seule fois)")
    token.add_argument("email")
    staff_sub.add_parser("list", help="lister les comptes")
    revoke = staff_sub.add_parser("revoke", help="révoquer tous les jetons d'un compte")
    revoke.add_argument("email")
    deactivate = staff_sub.add_parser("deactivate", help="désactiver un compte et révoquer ses jetons")
    deactivate.add_argument("email")


def _policy_commands(sub: _Subparsers) -> None:
    policy = sub.add_parser("policy", help="préréglages des organisations")
    policy_sub = policy.add_subparsers(dest="action", required=True)
    check = policy_sub.add_parser("check", help="vérifier un fichier de préréglage")
    check.add_argument("file")
    policy_sub.add_parser("list", help="lister les préréglages fournis")


def _retention_commands(sub: _Subparsers) -> None:
    retention = sub.add_parser("retention", help="effacer les données personnelles en fin de conservation")
    retention.add_argument("--dry-run", action="store_true", help="lister sans rien effacer")


def _outbox_commands(sub: _Subparsers) -> None:
    outbox = sub.add_parser("outbox", help="file d'envoi des e-mails")
    outbox_sub = outbox.add_subparsers(dest="action", required=True)
    outbox_sub.add_parser("send", help="envoyer les e-mails en attente")
    outbox_sub.add_parser("status", help="e-mails en attente et en échec")
    outbox_sub.add_parser("retry", help="remettre en file les e-mails en échec")


def _deadlines_commands(sub: _Subparsers) -> None:
    deadlines = sub.add_parser("deadlines", help="échéances")
    deadlines_sub = deadlines.add_subparsers(dest="action", required=True)
    deadlines_sub.add_parser("notify", help="prévenir le personnel (nouveaux dossiers, échéances proches) puis envoyer")


def _export_commands(sub: _Subparsers) -> None:
    export = sub.add_parser("export", help="exports du registre")
    export_sub = export.add_subparsers(dest="action", required=True)
    csv_cmd = export_sub.add_parser("csv", help="registre CSV (colonnes du plan de gestion) pour une période")
    csv_cmd.add_argument("--from", dest="start", help="date de réception minimale AAAA-MM-JJ (incluse)")
    csv_cmd.add_argument("--to", dest="end", help="date de réception maximale AAAA-MM-JJ (incluse)")
    csv_cmd.add_argument("--all-policies", action="store_true", help="tous les préréglages du registre")
    csv_cmd.add_argument("--delimiter", default=",", choices=[",", ";"])
    csv_cmd.add_argument("--output", "-o", help="fichier (sinon la sortie standard)")
    pdf_cmd = export_sub.add_parser("pdf", help="le dossier complet en PDF")
    pdf_cmd.add_argument("reference")
    pdf_cmd.add_argument("--output", "-o", help="fichier (par défaut REFERENCE.pdf)")


def _person_commands(sub: _Subparsers) -> None:
    person = sub.add_parser("person", help="demandes d'accès et d'effacement d'une personne")
    person_sub = person.add_subparsers(dest="action", required=True)
    for name, text in (("export", "toutes les données de la personne (JSON)"), ("erase", "effacer ses données")):
        cmd = person_sub.add_parser(name, help=text)
        cmd.add_argument("--email")
        cmd.add_argument("--phone")
        cmd.add_argument("--last-name")
        cmd.add_argument("--first-name")
        cmd.add_argument("--actor", default="cli", help="qui traite la demande (consigné dans l'historique)")
        if name == "export":
            cmd.add_argument("--output", "-o", help="fichier (sinon la sortie standard)")
        else:
            cmd.add_argument("--dry-run", action="store_true", help="lister sans rien effacer")


def _db_commands(sub: _Subparsers) -> None:
    db = sub.add_parser("db", help="base de données")
    db_sub = db.add_subparsers(dest="action", required=True)
    db_sub.add_parser("upgrade", help="appliquer les migrations")
    db_sub.add_parser("current", help="afficher la révision de la base")


def _telegram_commands(sub: _Subparsers) -> None:
    telegram = sub.add_parser("telegram", help="canal Telegram")
    telegram_sub = telegram.add_subparsers(dest="action", required=True)
    set_webhook = telegram_sub.add_parser("set-webhook", help="déclarer l'adresse du webhook à Telegram")
    set_webhook.add_argument("url", help="https://…/channels/telegram/webhook")
    telegram_sub.add_parser("polling", help="recevoir les messages sans adresse publique (développement)")


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
        if args.command in ("outbox", "deadlines", "export", "person"):
            return _staff_tools(args, settings)
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
            user = staff.add_staff(registry, args.email, args.role, password, can_answer=args.can_answer)
            verb = "créé" if user["created"] else "mis à jour"
            right = ", habilité à répondre" if user["can_answer"] else ""
            print(f"Compte {verb} : {user['email']} ({user['role']}{right})")
        elif args.action == "token":
            token = staff.issue_token(registry, args.email)
            print(f"Jeton d'API pour {args.email.strip().lower()} (conservez-le, il ne sera plus affiché) :")
            print(token)
        elif args.action == "list":
            for user in staff.list_staff(registry):
                state = "actif" if user["active"] else "désactivé"
                right = "\thabilité à répondre" if user["can_answer"] else ""
                print(f"{user['email']}\t{user['role']}\t{state}{right}")
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


def _staff_tools(args: argparse.Namespace, settings: Settings) -> int:
    """outbox, deadlines, export and person sub-commands (the staff side, issue 6)."""
    from bot.services import outbox

    registry = _registry(settings)
    now = datetime.now(UTC)
    try:
        if args.command == "outbox" and args.action == "status":
            state = outbox.outbox_overview(registry)
            print(f"{state['waiting']} en attente, {state['failed']} en échec, {state['sent']} envoyé(s)")
            for item in state["items"]:
                print(f"#{item['id']}\t{item['state']}\t{item['attempts']} essai(s)\t{item['last_error'] or ''}")
            return 0
        if args.command == "outbox" and args.action == "retry":
            print(f"{outbox.retry_failed(registry)} e-mail(s) remis en file")
            return 0
        if args.command in ("outbox", "deadlines"):
            if args.command == "deadlines":
                from bot.services.notifications import queue_staff_notices

                counts = queue_staff_notices(registry, staff_email=settings.staff_notify_email, now=now,
                                             base_url=settings.public_base_url)
                print(f"{counts['new_complaints']} nouveau(x) dossier(s) et {counts['deadlines']} échéance(s) "
                      "signalé(s) au personnel")
                if not settings.staff_notify_email:
                    print("STAFF_NOTIFY_EMAIL non défini : seuls les dossiers attribués sont signalés")
            result = outbox.flush_outbox(registry, smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                                         mail_from=settings.mail_from, now=now,
                                         security=outbox.SmtpSecurity.from_settings(settings))
            print(f"{result['sent']} e-mail(s) envoyé(s), {result['failed']} refusé(s), {result['waiting']} en attente")
            if result["error"]:
                print(f"erreur : {result['error']}", file=sys.stderr)
                return 1
            return 0
        if args.command == "export":
            return _export(args, settings, registry, now)
        return _person(args, registry, now)
    finally:
        registry.dispose()


def _export(args: argparse.Namespace, settings: Settings, registry, now: datetime) -> int:  # type: ignore[no-untyped-def]
    from datetime import date
    from pathlib import Path

    from bot.policies import load_policy
    from bot.services import exports, staff

    policy = load_policy(settings.policy)
    if args.action == "csv":
        start = date.fromisoformat(args.start) if args.start else None
        end = date.fromisoformat(args.end) if args.end else None
        text = exports.registry_csv(registry, start=start, end=end, policy=policy, all_policies=args.all_policies,
                                    delimiter=args.delimiter)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"{text.count(chr(10)) - 1} dossier(s) écrit(s) dans {args.output}")
        else:
            sys.stdout.write(text)
        return 0
    record = staff.get_complaint(registry, args.reference)
    pdf = exports.complaint_pdf(record, load_policy(record["policy"]), generated_at=now, generated_by="cli")
    output = Path(args.output or f"{record['reference']}.pdf")
    output.write_bytes(pdf)
    print(f"Dossier {record['reference']} écrit dans {output}")
    return 0


def _person(args: argparse.Namespace, registry, now: datetime) -> int:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from bot.services import exports, privacy

    person = {"email": args.email, "phone": args.phone, "last_name": args.last_name, "first_name": args.first_name}
    if args.action == "export":
        data = privacy.person_data(registry, **person, actor=args.actor, now=now)
        raw = exports.json_bytes(data)
        if args.output:
            Path(args.output).write_bytes(raw)
            print(f"{data['count']} dossier(s) écrit(s) dans {args.output}")
        else:
            sys.stdout.write(raw.decode() + "\n")
        return 0
    result = privacy.erase_person(registry, **person, actor=args.actor, now=now, dry_run=args.dry_run)
    verb = "à effacer (simulation)" if args.dry_run else "effacé(s)"
    print(f"{len(result['erased'])} dossier(s) {verb} : {', '.join(result['erased']) or '-'}")
    for kept in result["kept"]:
        print(f"conservé {kept['reference']} : {kept['reason']}")
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
