"""`python -m bot staff add NAME`: create a staff account (or reset its password).
`python -m bot review`: label redacted samples into data/ (bot/review/__main__.py).
`python -m bot retrain --compare [--promote]`: train a candidate model, compare, promote (bot/retrain.py).

The password is read from the terminal (or from standard input with --password-stdin) and
stored only as an argon2 hash in the demand log's database (DATABASE_URL or the SQLite file).
"""
from __future__ import annotations

import argparse
import getpass
import sys

from bot.demand import DemandLog
from bot.staff.accounts import StaffAccounts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="area", required=True)
    staff = commands.add_parser("staff", help="staff accounts for the dashboard")
    staff_commands = staff.add_subparsers(dest="command", required=True)
    add = staff_commands.add_parser("add", help="create a staff account or reset its password")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    commands.add_parser("review", help="label redacted samples into data/ (python -m bot review --help)")
    commands.add_parser("retrain", help="train a candidate model, compare it with the current one, promote it "
                                        "(python -m bot retrain --help)")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["review"]:
        from bot.review.__main__ import main as review_main

        return review_main(argv[1:])
    if argv[:1] == ["retrain"]:
        from bot.retrain import main as retrain_main

        return retrain_main(argv[1:])
    args = parser.parse_args(argv)

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("パスワード（10文字以上）: ")
        if password != getpass.getpass("もう一度: "):
            print("パスワードが一致しません。", file=sys.stderr)
            return 1
    try:
        StaffAccounts(DemandLog().engine).add(args.name, password)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"staff account '{args.name}' is ready: http://127.0.0.1:8000/staff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
