"""Make a deterministic, realistic synthetic briefing library for benchmarks.

    python benchmarks/make_library.py --briefings 1000 OUTDIR

writes OUTDIR/briefings/NNNNN.yaml and OUTDIR/sources/NNNNN.txt: N valid briefings, each with
its own article and verbatim evidence; actors recur across briefings (a shared pool of people,
countries and organisations); months spread over several years. The same --seed gives the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from briefing_tui.briefing.model import MONTH_FULL_NAMES

COUNTRIES = [
    "Pakistan",
    "United-States",
    "India",
    "China",
    "Afghanistan",
    "Iran",
    "Turkey",
    "Germany",
    "France",
    "Japan",
    "Brazil",
    "Nigeria",
    "Kenya",
    "Egypt",
    "Indonesia",
    "Mexico",
    "Canada",
    "Australia",
    "Italy",
    "Spain",
    "Poland",
    "Ukraine",
    "Bangladesh",
    "Vietnam",
    "Thailand",
    "Malaysia",
    "Philippines",
    "Argentina",
    "Chile",
    "Peru",
    "Colombia",
    "Morocco",
    "Algeria",
    "Ethiopia",
    "Ghana",
    "Senegal",
    "Qatar",
    "Oman",
    "Jordan",
    "Norway",
    "Sweden",
    "Finland",
    "Denmark",
    "Greece",
]
FIRST = [
    "Amina",
    "Bilal",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hassan",
    "Ines",
    "Jamal",
    "Keiko",
    "Luis",
    "Maryam",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rashid",
    "Sara",
    "Tomas",
    "Umar",
    "Vera",
    "Wen",
    "Xavier",
    "Yusuf",
    "Zara",
    "Ahmed",
    "Beatriz",
    "Chen",
    "Daniela",
]
LAST = [
    "Khan",
    "Smith",
    "Garcia",
    "Ivanova",
    "Okafor",
    "Tanaka",
    "Haddad",
    "Rossi",
    "Novak",
    "Silva",
    "Mehta",
    "Dubois",
    "Nguyen",
    "Ali",
    "Kowalski",
    "Larsen",
    "Mensah",
    "Petrov",
    "Santos",
    "Yilmaz",
    "Schmidt",
    "Costa",
    "Rahman",
    "Moreau",
    "Ortega",
    "Bakr",
]
ROLES = (
    "Foreign Minister",
    "Interior Minister",
    "Trade Minister",
    "Ambassador",
    "Prime Minister",
    "Finance Minister",
    "Defence Minister",
    "Energy Minister",
    "Special Envoy",
    "President",
)
TOPICS = (
    "security",
    "narcotics",
    "immigration",
    "trade",
    "investment",
    "energy",
    "climate",
    "health",
    "education",
    "technology",
    "minerals",
    "counter-terrorism",
    "agriculture",
    "water",
    "infrastructure",
    "shipping",
    "aviation",
    "cyber",
    "finance",
    "fisheries",
)
ORG_KINDS = ("Agency", "Council", "Commission", "Authority", "Centre", "Bureau")
VERBS = (
    ("agreed to expand cooperation on", "agreement", "agreed"),
    ("offered technical assistance on", "offer", "offered"),
    ("pledged new funding for", "pledge", "stated"),
    ("reaffirmed its commitment to", "pledge", "reaffirmed"),
    ("announced a plan to strengthen", "plan", "planned"),
    ("said it intends to review", "intention", "stated"),
    ("is implementing a strict policy on", "policy", "underway"),
    ("welcomed support for", "offer", "welcomed"),
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTHS = list(MONTH_FULL_NAMES)
FILLER = (
    "Officials described the talks as constructive and forward-looking.",
    "Analysts said the meeting reflected a broader shift in regional priorities.",
    "Both delegations met again later in the day to review the details.",
    "The statement did not say when the measures would take effect.",
    "Observers noted that similar promises had been made before.",
    "The discussions also touched on long-standing disputes over borders and trade.",
)


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


@dataclass
class Pool:
    rng: random.Random
    people: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, name, role, country
    orgs: list[tuple[str, str, str]] = field(default_factory=list)  # id, name, country

    @classmethod
    def make(cls, rng: random.Random, size: int) -> Pool:
        pool = cls(rng)
        seen: set[str] = set()
        misses = 0
        while len(pool.people) < size:
            base = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            name = base
            if name in seen:
                name = f"{base} {chr(65 + len(seen) % 26)}."
                if name in seen:
                    misses += 1
                    if misses < 64:
                        continue
                    # The names and initials run out (about 21,000 people, a library of
                    # about 63,000 briefings): a number makes the name unique.
                    name = f"{base} {len(seen) + 1}"
            misses = 0
            seen.add(name)
            country = rng.choice(COUNTRIES)
            pool.people.append((slug(name), name, rng.choice(ROLES), country))
        for country in COUNTRIES:
            for kind in rng.sample(ORG_KINDS, 2):
                topic = rng.choice(TOPICS).replace("-", " ").title()
                name = f"{country.replace('-', ' ')} {topic} {kind}"
                pool.orgs.append((slug(name), name, country))
        return pool


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def make_briefing(n: int, rng: random.Random, pool: Pool) -> tuple[str, str]:
    """One briefing's YAML and its article's text."""
    year = rng.randint(2019, 2026)
    month = rng.randint(1, 12)
    countries = rng.sample(COUNTRIES, 2)
    people = rng.sample(pool.people, rng.randint(3, 6))
    orgs = [o for o in pool.orgs if o[2] in countries][:2]
    cname = {c: c.replace("-", " ") for c in COUNTRIES}
    a, b = countries
    sentences: list[str] = []
    lead = people[0]
    second = people[1]
    sentences.append(
        f"{cname[a]} and {cname[b]} held talks in the capital on {rng.choice(WEEKDAYS)} "
        f"between {lead[2]} {lead[1]} and {second[2]} {second[1]}."
    )
    commitments = []
    for i in range(rng.randint(4, 9)):
        verb, kind, status = rng.choice(VERBS)
        topic = rng.choice(TOPICS)
        who = rng.choice(people)
        country = rng.choice(countries)
        subject = cname[country] if rng.random() < 0.5 else who[1]
        clause = f"{subject} {verb} {topic.replace('-', ' ')}"
        extra = rng.choice(
            (
                "with its partners",
                "in the coming year",
                "across the region",
                "at all major ports",
                "through a joint working group",
            )
        )
        sentences.append(f"{clause} {extra}.")
        by = country.lower() if subject == cname[country] else who[0]
        commitments.append((f"c{i + 1}-{slug(topic)}", clause, kind, status, by, topic))
        if rng.random() < 0.4:
            sentences.append(rng.choice(FILLER))
    events = []
    for i in range(rng.randint(2, 5)):
        back = rng.randint(1, 14)
        em = (month - 1 - back) % 12 + 1
        ey = year - (1 if month - back <= 0 else 0) - (back // 12)
        who = rng.choice(people)
        text = f"In {MONTHS[em - 1]}, {who[1]} visited {cname[rng.choice(countries)]} to discuss {rng.choice(TOPICS).replace('-', ' ')}"
        sentences.append(text + ".")
        events.append((f"e{i + 1}", text, f"{ey:04d}-{em:02d}", who[0]))
    for _pid, name, role, _country in people:
        if not any(name in s for s in sentences):
            sentences.append(f"{name}, the {role}, also attended the talks.")
    if orgs:
        org = orgs[0]
        sentences.append(f"The {org[1]} will oversee the new measures, officials said.")
    sentences.append(rng.choice(FILLER))
    # paragraphs of one to three sentences
    paras: list[str] = []
    i = 0
    while i < len(sentences):
        k = rng.randint(1, 3)
        paras.append(" ".join(sentences[i : i + k]))
        i += k
    article = "\n".join(paras) + "\n"

    bid = f"synthetic-{n:05d}"
    lines = [
        "format: 1",
        f"id: {bid}",
        f"title: {q(f'{cname[a]} and {cname[b]} talks on {commitments[0][5]}')}",
        f"summary: {q(f'Synthetic briefing {n} for benchmarks.')}",
        "source:",
        f"  file: ../sources/{n:05d}.txt",
        f"  title: {q(f'{cname[a]}, {cname[b]} hold talks')}",
        f"  when: {{precision: month, month: {year:04d}-{month:02d}}}",
        "actors:",
    ]
    used_people = {p[0] for p in people}
    for c in countries:
        lines += [
            f"  - id: {c.lower()}",
            f"    name: {q(cname[c])}",
            "    kind: country",
            f"    evidence: [{q(cname[c])}]",
        ]
    for pid, name, role, country in people:
        aff = f"    affiliation: {country.lower()}" if country in countries else None
        lines += [
            f"  - id: {pid}",
            f"    name: {q(name)}",
            "    kind: person",
            f"    role: {q(role)}",
        ]
        if aff:
            lines.append(aff)
        lines += [f"    aliases: [{q(name.split()[-1])}]", f"    evidence: [{q(name)}]"]
    for oid, name, country in orgs[:1]:
        lines += [
            f"  - id: {oid}",
            f"    name: {q(name)}",
            "    kind: organisation",
            f"    affiliation: {country.lower()}",
            f"    evidence: [{q(name)}]",
        ]
    lines.append("commitments:")
    for cid, clause, kind, status, by, topic in commitments:
        if by not in used_people and by not in {c.lower() for c in countries}:
            by = countries[0].lower()
        lines += [
            f"  - id: {cid}",
            f"    title: {q(clause[:1].upper() + clause[1:])}",
            f"    kind: {kind}",
            f"    status: {status}",
            f"    by: [{by}]",
            f"    topics: [{topic}]",
            f"    when: {{precision: month, month: {year:04d}-{month:02d}}}",
            f"    evidence: [{q(clause)}]",
        ]
        if len(commitments) > 1 and rng.random() < 0.5:
            other = rng.choice([c[0] for c in commitments if c[0] != cid])
            lines.append(f"    related: [{other}]")
    lines.append("context:")
    for eid, text, em, who in events:
        lines += [
            f"  - id: {eid}",
            f"    title: {q(text[text.index(',') + 2 :])}",
            f"    when: {{precision: month, month: {em}}}",
            f"    actors: [{who}]",
            f"    evidence: [{q(text)}]",
        ]
    lines += [
        "  - id: e-background",
        "    title: Background",
        "    when: {precision: undated}",
        f"    evidence: [{q(sentences[-1])}]",
    ]
    return "\n".join(lines) + "\n", article


def make_library(count: int, out: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    pool = Pool.make(rng, max(40, count // 3))
    (out / "briefings").mkdir(parents=True, exist_ok=True)
    (out / "sources").mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        yaml_text, article = make_briefing(n, rng, pool)
        (out / "sources" / f"{n:05d}.txt").write_text(article, encoding="utf-8")
        (out / "briefings" / f"{n:05d}.yaml").write_text(yaml_text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--briefings", type=int, required=True, help="how many briefings")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("out", type=Path, help="output directory")
    args = p.parse_args(argv)
    if args.briefings < 1:
        p.error("--briefings must be at least 1")
    make_library(args.briefings, args.out, args.seed)
    print(f"wrote {args.briefings} briefings to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
