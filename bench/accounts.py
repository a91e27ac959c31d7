#!/usr/bin/python3
"""The benchmark accounts: one JSON line per account, the same file provisions every server.

    {"user": "bench1", "password": "secret", "roster": ["bench2@localhost", "bench3@localhost"]}

Accounts come in groups, each a user prefix, a count N and a roster size K: user i of a group
(numbered from 1) has the K contacts i±1 .. i±K/2 (mod N) of the same group, all with
subscription "both". Since "i is a contact of j" is symmetric, every roster entry is mutual.

    /usr/bin/python3 bench/accounts.py --output accounts.jsonl --group bench 10000 10 --group pres 400 100
"""
import argparse
import dataclasses
import json
import pathlib


@dataclasses.dataclass(frozen=True)
class AccountGroup:
    prefix: str
    count: int
    contacts: int

    def __post_init__(self):
        if self.count < 1:
            raise ValueError(f"group {self.prefix}: needs at least one account")
        if self.contacts % 2 or not 0 <= self.contacts < self.count:
            raise ValueError(f"group {self.prefix}: contacts must be even and below the "
                             f"account count ({self.contacts} of {self.count})")


@dataclasses.dataclass(frozen=True)
class Account:
    user: str  # the localpart
    password: str
    roster: tuple[str, ...]  # bare JIDs, subscription both


def group_accounts(group, domain, password):
    for number in range(1, group.count + 1):
        neighbours = []
        for distance in range(1, group.contacts // 2 + 1):
            # Numbers run 1..N, so shift to 0..N-1 for the modulo and back.
            neighbours += [(number - 1 + distance) % group.count + 1,
                           (number - 1 - distance) % group.count + 1]
        roster = tuple(f"{group.prefix}{n}@{domain}" for n in neighbours)
        yield Account(f"{group.prefix}{number}", password, roster)


def write_accounts(path, groups, domain="localhost", password="secret"):
    prefixes = [group.prefix for group in groups]
    if len(set(prefixes)) != len(prefixes):
        raise ValueError(f"duplicate group prefixes: {prefixes}")
    with open(path, "w") as out:
        for group in groups:
            for account in group_accounts(group, domain, password):
                out.write(json.dumps({"user": account.user, "password": account.password,
                                      "roster": list(account.roster)}) + "\n")


def read_accounts(path):
    accounts = []
    for line in pathlib.Path(path).read_text().splitlines():
        if line.strip():
            fields = json.loads(line)
            accounts.append(Account(fields["user"], fields["password"], tuple(fields["roster"])))
    return accounts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True, help="the JSON lines file to write")
    parser.add_argument("--group", nargs=3, action="append", required=True,
                        metavar=("PREFIX", "COUNT", "CONTACTS"),
                        help="accounts PREFIX1..PREFIXCOUNT with CONTACTS contacts each (repeatable)")
    parser.add_argument("--domain", default="localhost")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args()
    groups = [AccountGroup(prefix, int(count), int(contacts)) for prefix, count, contacts in args.group]
    write_accounts(args.output, groups, args.domain, args.password)


if __name__ == "__main__":
    main()
