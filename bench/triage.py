#!/usr/bin/env python3
"""How fast `triage` answers a panel's batch, against calling `decide` once per order, in the same run.

    python bench/triage.py [--orders N] [--runs R]

Builds one multi-order `action=status` answer of N orders (the panel's words, drip-feed rows and bad
ids mixed in, as a real panel sends them) and measures, median of R runs each:

  a. triage in-process: read the JSON, answer every order (one decision per status), write the JSON array;
  b. the same orders answered by calling `decide(...)` once per order, with the same reading and output;
  c. the whole command, `python -m policy_engine triage FILE --json`, interpreter start-up included.

It prints orders per second for each. It never fails on a slow result.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from policy_engine import PolicyInputError, decide  # noqa: E402
from policy_engine import triage as batch  # noqa: E402
from policy_engine.panel import read_status  # noqa: E402
from policy_engine.terminal import json_text  # noqa: E402

WORDS = ("Pending", "In progress", "Processing", "Partial", "Completed", "Canceled", "cancelled", "Refunded",
         "Active", "Fail")
FACTS = ("wrong_link",)
BASE_URL = "https://example.com/cancellation/"


def panel_answer(orders: int) -> bytes:
    """A multi-order answer: one row in ten is a drip-feed, one in fifty a bad id."""
    data: dict[str, object] = {}
    for n in range(orders):
        order = str(1_000_000 + n)
        if n % 50 == 7:
            data[order] = {"error": "Incorrect order ID"}
        elif n % 10 == 3:
            data[order] = {"status": WORDS[n % len(WORDS)], "runs": "4", "orders": [n * 10 + 1, n * 10 + 2]}
        else:
            data[order] = {"charge": "0.27819", "start_count": str(n), "status": WORDS[n % len(WORDS)],
                           "remains": str(n % 200)}
    return json.dumps(data).encode()


def with_triage(raw: bytes) -> str:
    rows = batch.answer_batch(batch.read_batch(raw), batch.read_facts(FACTS), BASE_URL)
    return batch.to_json(rows)


def with_decide_per_order(raw: bytes) -> str:
    """The same answers, deciding every order afresh: what a loop over `decide` costs."""
    facts = batch.read_facts(FACTS)
    rows = []
    for order, entry in batch.entries(batch.read_batch(raw)):
        row = {"order": order, "panel_status": None, "status": None, "cancellation": None, "refund": None,
               "headline": None, "link": None, "error": None}
        word = entry.get("status") if isinstance(entry, dict) else None
        if not isinstance(word, str) or "error" in entry:
            row["error"] = "The panel sent an error for this order."
        else:
            row["panel_status"] = word
            try:
                row["status"] = read_status(word)  # known even when the order's circumstances do not apply
                answer = decide(row["status"], facts).to_dict()
            except PolicyInputError as error:
                row["error"] = str(error)
            else:
                row.update(status=answer["status"], cancellation=answer["cancellation"]["outlook"],
                           refund=answer["refund"]["outlook"], headline=answer["headline"],
                           link=batch.answer_link(BASE_URL, answer["status"], facts, answer["policy_version"]))
        rows.append(json_text(row))
    return "[\n" + ",\n".join(rows) + "\n]"


def same_answers(one: str, other: str) -> bool:
    """The same orders with the same outcomes and links (error wording aside)."""
    keys = ("order", "panel_status", "status", "cancellation", "refund", "headline", "link")

    def outcomes(text: str) -> list[tuple]:
        return [tuple(row[key] for key in keys) for row in json.loads(text)]
    return outcomes(one) == outcomes(other)


def median_seconds(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw = panel_answer(args.orders)
    assert same_answers(with_triage(raw), with_decide_per_order(raw)), "the two ways disagree"

    triage_s = median_seconds(lambda: with_triage(raw), args.runs)
    decide_s = median_seconds(lambda: with_decide_per_order(raw), args.runs)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.json"
        path.write_bytes(raw)
        command = [sys.executable, "-m", "policy_engine", "triage", str(path), "--json", "--fact", FACTS[0],
                   "--base-url", BASE_URL]

        def whole_command() -> None:
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

        command_s = median_seconds(whole_command, args.runs)

    print(f"# triage: {args.orders} orders, median of {args.runs} runs, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}\n")
    print("| what | time | orders/second |")
    print("|---|---|---|")
    for name, seconds in (("triage, in-process (one decision per status)", triage_s),
                          ("`decide` once per order, in-process", decide_s),
                          ("`python -m policy_engine triage FILE --json`, whole command", command_s)):
        print(f"| {name} | {seconds * 1000:.0f} ms | {args.orders / seconds:,.0f} |")
    print(f"\ntriage is {decide_s / triage_s:.0f}× faster than calling `decide` once per order.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
