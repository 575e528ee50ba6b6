"""score_many texts/s against plain Kiwi batch tokenization of the same texts, and peak RSS.

    .venv/bin/python bench/throughput.py [--data ../shared/data] [--n 5000]

Both runs use the same process-wide Kiwi (sentiment.tokenizer.get_kiwi) and the same texts;
plain means `kiwi.tokenize(texts)` with no options. Runs alternate (Kiwi, scorer, Kiwi, ...);
the ratio of the best of each is reported, with the median of the per-round ratios beside it
(a busy shared machine moves single rounds by ±0.1). The process CPU seconds of each run show
where the time goes: Kiwi's workers keep every core busy, so the scorer's own Python work on
the consuming thread is paid for in wall time. Prints figures only, never passes or fails.
The scorer is the compiled build when `make install` could make one (sentiment/native.py);
MINSIM_PURE_PYTHON=1 measures the pure Python scorer instead.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import emit  # noqa: E402

from sentiment import Scorer, native  # noqa: E402
from sentiment.tokenizer import get_kiwi  # noqa: E402

DEFAULT_DATA = Path("../shared/data")
DEFAULT_N = 5000
ROUNDS = 5  # alternate runs, best of each, to even out a busy shared machine (3 left ±0.07)
# ru_maxrss is in KiB on Linux.
KIB_PER_MIB = 1024


def read_texts(data: Path, n: int) -> list[str]:
    texts: list[str] = []
    for name in ("comments_dev.tsv", "reviews_train.tsv"):
        path = data / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader)
            for row in reader:
                texts.append(row[0])
                if len(texts) >= n:
                    return texts
    return texts


def cpu_seconds() -> float:
    """User and system CPU time of this process, all threads (Kiwi's workers included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    args = parser.parse_args()
    texts = read_texts(args.data, args.n)
    if not texts:
        print(f"no labeled files in {args.data}", file=sys.stderr)
        return 1
    scorer = Scorer(
        aspects_path=Path(__file__).resolve().parent.parent / "seeds/kakao-2022/aspects.toml"
    )
    kiwi = get_kiwi()
    kiwi_best = scorer_best = 0.0
    ratios: list[float] = []
    kiwi_cpu: list[float] = []
    scorer_cpu: list[float] = []
    for _ in range(ROUNDS):
        start, cpu = time.perf_counter(), cpu_seconds()
        for _tokens in kiwi.tokenize(texts):
            pass
        kiwi_rate = len(texts) / (time.perf_counter() - start)
        kiwi_cpu.append(cpu_seconds() - cpu)
        start, cpu = time.perf_counter(), cpu_seconds()
        scorer.score_many(texts)
        scorer_rate = len(texts) / (time.perf_counter() - start)
        scorer_cpu.append(cpu_seconds() - cpu)
        kiwi_best, scorer_best = max(kiwi_best, kiwi_rate), max(scorer_best, scorer_rate)
        ratios.append(scorer_rate / kiwi_rate)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB_PER_MIB
    report = {
        "texts": len(texts),
        "rounds": ROUNDS,
        "kiwi_texts_per_s": round(kiwi_best, 1),
        "score_many_texts_per_s": round(scorer_best, 1),
        "ratio": round(scorer_best / kiwi_best, 3),
        "median_round_ratio": round(statistics.median(ratios), 3),
        "kiwi_cpu_s": round(min(kiwi_cpu), 2),
        "score_many_cpu_s": round(min(scorer_cpu), 2),
        "peak_rss_mib": round(peak, 1),
        "scorer_build": "compiled" if native.compiled_modules() else "pure Python",
        "native_state": native.build_state(),
    }
    print(
        f"texts {len(texts)}: Kiwi {kiwi_best:.1f}/s, score_many {scorer_best:.1f}/s, "
        f"ratio {report['ratio']:.3f} "
        f"(median of {ROUNDS} rounds {report['median_round_ratio']:.3f}), "
        f"CPU s Kiwi {report['kiwi_cpu_s']} / score_many {report['score_many_cpu_s']}, "
        f"peak RSS {peak:.1f} MiB, scorer {report['scorer_build']} "
        f"(build {report['native_state']})"
    )
    emit(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
