"""Recognition errors in the open: a voice turn whose segments look unreliable is marked
待核对 (to be checked) in the draft minutes until someone has looked at it (corrected it with
/fix, or its speaker confirmed it in 发言确认).

Whisper reports three statistics per segment: the mean log-probability of its tokens
(avg_logprob: how sure the decoder was), the probability that nobody spoke (no_speech_prob),
and how well the text compresses (compression_ratio: high when it loops). A segment past any
bound makes its whole turn worth a second look. Segments without statistics (typed text,
engines that do not send them, turns recorded before the statistics were kept) never flag.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from facilitation.model import Contribution
from facilitation.speech import Segment

# Chosen with bench/review_flag.py (Whisper base int8, language zh, no prompt) on the 13 clips
# at even positions of tests/data/audio/refs.tsv; the 13 at odd positions were held out. Rule
# (bench.review_flag.choose_bound): the bound that flags the most clips with CER > 30% and
# leaves the most clips with CER < 10% unflagged (sum of the two shares), ties to the fewest
# flags. On the tuning clips the bad ones scored -0.479 and -0.431, the good ones -0.201 to
# -0.488, so any bound in (-0.431, -0.32] gets 2 of 2 and 3 of 5; halfway to the next value
# (-0.418) flags least. Held out: 4 of 4 bad flagged, 1 of 3 good unflagged (two good clips
# sit at -0.439: avg_logprob alone cannot tell them from bad ones; the flag asks for a look,
# it does not say the text is wrong).
LOW_AVG_LOGPROB = -0.424
# Not exercised by the clips (their kept segments reach 0.32 at most): the model doubted that
# anyone spoke; at 0.6 with low confidence a segment is dropped as a hallucination
# (transcripts.hallucination), so a kept one above 0.5 is close to that edge.
HIGH_NO_SPEECH_PROB = 0.5
# Not exercised either (kept Chinese segments: 0.62-0.94): past 2.4, Whisper's own bound, a
# segment is dropped as a loop; a kept one past 2.0 is near it.
HIGH_COMPRESSION_RATIO = 2.0


@dataclass(frozen=True)
class ReviewReason:
    code: str  # low_confidence | no_speech | repetitive
    segment: int  # index of the first segment that failed
    value: float


def review_reason(segments: Iterable[Segment]) -> ReviewReason | None:
    """Why these segments (one voice turn) need a human look, or None when they do not.
    Segments without statistics (text turns, engines that do not give them) never flag."""
    for index, s in enumerate(segments):
        if s.avg_logprob is not None and s.avg_logprob < LOW_AVG_LOGPROB:
            return ReviewReason("low_confidence", index, s.avg_logprob)
        if s.no_speech_prob is not None and s.no_speech_prob > HIGH_NO_SPEECH_PROB:
            return ReviewReason("no_speech", index, s.no_speech_prob)
        if s.compression_ratio is not None and s.compression_ratio > HIGH_COMPRESSION_RATIO:
            return ReviewReason("repetitive", index, s.compression_ratio)
    return None


def needs_review(segments: Iterable[Segment]) -> bool:
    return review_reason(segments) is not None


def turn_needs_review(contribution: Contribution, confirmed: Container[int]) -> bool:
    """A turn still to be checked: unreliable segments, not corrected since (/fix), and its
    speaker has not confirmed their turns in 发言确认 (``confirmed``: their person ids)."""
    if contribution.original_text is not None:
        return False
    if contribution.person_id is not None and contribution.person_id in confirmed:
        return False
    return needs_review(contribution.segments)
