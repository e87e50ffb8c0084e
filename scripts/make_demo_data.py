"""Regenerate the bundled demo graph (graphistry_fp/data/demo_*.csv), deterministically.

A small payments network: six communities, each around a bank, with people, merchants and
shared devices, a few cross-community transfers and one suspicious ring. Run it only to
change the data: ``python scripts/make_demo_data.py``; the CSVs are committed.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "graphistry_fp" / "data"
CITIES = ["Lisbon", "Oslo", "Quito", "Osaka", "Accra", "Perth"]
FIRST = [
    "Ana",
    "Bo",
    "Cy",
    "Dee",
    "Eli",
    "Fay",
    "Gus",
    "Hal",
    "Ivy",
    "Jo",
    "Kai",
    "Lu",
    "Mo",
    "Nia",
    "Oz",
    "Pia",
    "Quin",
    "Ray",
    "Sol",
    "Tess",
    "Uma",
    "Vic",
    "Wes",
    "Xia",
]
LAST = ["Ng", "Silva", "Berg", "Okafor", "Tanaka", "Reyes", "Moss", "Kaur", "Dunn", "Roth"]


def build(seed: int = 7) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The node and edge rows."""
    rnd = random.Random(seed)
    nodes: list[dict[str, object]] = []
    edges: list[dict[str, object]] = []

    def node(kind: str, name: str, city: str, risk: str) -> str:
        node_id = f"{kind[0]}{len(nodes):03d}"
        nodes.append({"id": node_id, "name": name, "type": kind, "city": city, "risk": risk})
        return node_id

    def edge(src: str, dst: str, kind: str, amount: float) -> None:
        edges.append({"src": src, "dst": dst, "kind": kind, "amount": round(amount, 2)})

    people_by_city: list[list[str]] = []
    for city in CITIES:
        bank = node("bank", f"{city} Savings", city, "low")
        merchants = [
            node("merchant", f"{city} {shop}", city, rnd.choice(["low", "low", "medium"]))
            for shop in rnd.sample(["Cafe", "Market", "Books", "Garage", "Pharmacy", "Bakery",
                                    "Tailor", "Cinema"], 5)
        ]  # fmt: skip
        people = []
        for _ in range(rnd.randint(32, 40)):
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            risk = rnd.choices(["low", "medium", "high"], [80, 15, 5])[0]
            person = node("person", name, city, risk)
            people.append(person)
            edge(person, bank, "account", rnd.uniform(100, 5000))
            for merchant in rnd.sample(merchants, rnd.randint(1, 3)):
                edge(person, merchant, "payment", rnd.uniform(5, 300))
        for _ in range(len(people) // 4):
            a, b = rnd.sample(people, 2)
            edge(a, b, "transfer", rnd.uniform(10, 800))
        for _ in range(4):
            device = node("device", f"phone-{rnd.randrange(16**4):04x}", city, "low")
            for person in rnd.sample(people, rnd.randint(1, 3)):
                edge(person, device, "login", 0.0)
        people_by_city.append(people)
    for _ in range(14):
        a, b = rnd.sample(range(len(CITIES)), 2)
        edge(rnd.choice(people_by_city[a]), rnd.choice(people_by_city[b]), "transfer",
             rnd.uniform(50, 2000))  # fmt: skip
    ring = [node("person", f"Shell {i + 1}", "offshore", "high") for i in range(6)]
    mule_device = node("device", "phone-dead", "offshore", "high")
    for i, member in enumerate(ring):
        edge(member, ring[(i + 1) % len(ring)], "transfer", rnd.uniform(9000, 9900))
        edge(member, mule_device, "login", 0.0)
        edge(rnd.choice(people_by_city[i]), member, "transfer", rnd.uniform(3000, 9000))
    return nodes, edges


def main() -> None:
    """Write the two CSV files."""
    nodes, edges = build()
    for filename, rows in (("demo_nodes.csv", nodes), ("demo_edges.csv", edges)):
        with open(OUT / filename, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{OUT / filename}: {len(rows)} rows")


if __name__ == "__main__":
    main()
