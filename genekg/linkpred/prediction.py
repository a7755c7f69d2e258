"""The records of a prediction: one scored pair with its evidence (`Prediction`), what to
keep (`PredictOptions`), one run's selected set (`PredictResult`), a pair a user brings
(`PairScore`), and the Browser caption of a predicted edge."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Prediction:
    """One predicted pair with its calibrated score, rank, percentile and named evidence."""
    a: str
    b: str
    score: float
    rank: int = 0
    shared_partners: int = 0
    shares_pathway: bool = False
    shares_drug_target: bool = False
    percentile: float = 0.0
    # share of held-out validation edges among all candidates the run scored at least as
    # high: what the score means at the real prior (a lower bound; NaN: not estimated)
    expected_precision: float = float("nan")
    pathways: list[str] = field(default_factory=list)  # shared KEGG pathways (names)
    drugs: list[str] = field(default_factory=list)  # drugs targeting both
    partners: list[str] = field(default_factory=list)  # up to five shared partners
    # the strongest path of length 3 a–u–v–b through known interactions (L3's weight
    # 1/√(k_u k_v)): why a pair with no shared partner ranks high
    path3: list[str] = field(default_factory=list)
    kegg_relation: bool = False  # KEGG already relates the two genes (not new to the graph)
    # b's place among a's predicted partners in this result, and a's among b's (1 = best):
    # what a curator exploring one gene reads first
    gene_ranks: tuple[int, int] = (0, 0)

    def evidence(self) -> str:
        """One readable line: what the graph says about the pair besides the score."""
        parts = []
        if self.kegg_relation:
            parts.append("already a KEGG relation")
        if self.partners:
            more = self.shared_partners - len(self.partners)
            parts.append("partners " + ", ".join(self.partners) + (f" +{more}" if more > 0
                                                                 else ""))
        if self.pathways:
            parts.append("pathways " + "; ".join(self.pathways[:3])
                         + (f" +{len(self.pathways) - 3}" if len(self.pathways) > 3 else ""))
        if self.drugs:
            parts.append("drugs " + ", ".join(self.drugs[:3])
                         + (f" +{len(self.drugs) - 3}" if len(self.drugs) > 3 else ""))
        if self.path3:
            parts.append("path " + "–".join(self.path3))
        return " | ".join(parts) or "-"


@dataclass
class PredictOptions:
    """Which pairs to keep: global top-k, per-gene top partners, minimum score, genes."""
    top_k: int | None = 1000
    per_gene: int | None = None
    min_score: float | None = None
    genes: list[str] | None = None
    block: int = 256
    # At most this many pairs of one gene in the global top-k (hubs such as TP53 or UBC
    # otherwise fill it); None: no cap. Per-gene lists are never capped.
    max_per_gene: int | None = None


@dataclass
class PredictResult:
    """Scored and selected predictions of one run, with counts and timings."""
    run_id: str
    model: str
    predictions: list[Prediction]
    candidates_scored: int
    seconds_scoring: float
    known_excluded: int
    written: int = 0
    seconds_writing: float = 0.0
    chosen: str = ""  # the method `auto` chose (the run's method otherwise)
    scope: list[str] | None = None  # --genes: only these genes' edges are replaced
    notes: tuple[str, ...] = ()  # what loading the run wants the user told

    def hub_share(self, top: int = 5) -> list[tuple[str, float]]:
        """The genes in the largest share of the selected pairs (a hub-driven list shows
        one gene in many of them)."""
        counts = Counter(g for p in self.predictions for g in (p.a, p.b))
        n = max(len(self.predictions), 1)
        return [(g, c / n) for g, c in counts.most_common(top)]


@dataclass
class PairScore:
    """A user's pair, scored by a run: known, scored, or which gene the run lacks."""

    a: str  # as given
    b: str
    status: str  # "scored", "known interaction", "unknown gene: X", "same gene",
    #              "outside the candidates …" (scored, but stage 1 never ranks the pair)
    gene_a: str | None = None  # graph ids
    gene_b: str | None = None
    score: float = float("nan")  # calibrated, P(edge) at a 1:1 prior
    expected_precision: float = float("nan")
    rank_a: float = float("nan")  # b among a's candidate partners (1 = a's best)
    rank_b: float = float("nan")
    evidence: str = "-"


def caption(p: Prediction) -> str:
    """The Browser caption of a predicted edge, readable whichever way the arrow points: the
    pair's best place in one gene's own list, naming that gene, then the expected precision
    (or the 1:1-prior score to two significant digits where the run has no estimate):
    `#1 of TP53 · EP 11%`. Without per-gene places, the run-wide rank: `#12 · EP 11%`."""
    if p.gene_ranks[0]:
        (r, gene) = min((p.gene_ranks[0], p.a), (p.gene_ranks[1], p.b),
                        key=lambda x: x[0])
        where = f"#{r} of {gene.split(':', 1)[-1]}"
    else:
        where = f"#{p.rank}"
    if p.expected_precision == p.expected_precision:
        return f"{where} · EP {100 * p.expected_precision:.2g}%"
    return f"{where} · {p.score:#.2g}"

