"""Every rule constant of the scorer (weights, windows, thresholds, cue keys), each with its origin.

`rule_constants()` feeds `Scorer.version`, so changing any value here changes the scorer version.
"""

from __future__ import annotations

# --- normalisation and labels -------------------------------------------------------------
# VADER's normalisation constant in x / sqrt(x^2 + alpha) (vaderSentiment.normalize, alpha=15).
NORMALIZE_ALPHA = 15.0
# Compound needed to call a text positive or negative. VADER uses ±0.05; with induced weights on
# function morphemes that left ~6 % of comments_dev.tsv and held-out reviews neutral that people
# had labelled, so the band is narrower. Texts with no hits stay neutral (compound 0).
LABEL_THRESHOLD = 0.01

# --- boosters and dampeners -----------------------------------------------------------------
# VADER's B_INCR / B_DECR: a degree adverb moves the word's weight by this much.
BOOSTER_INCREMENT = 0.293
DAMPENER_DECREMENT = 0.293
# A dampened word keeps at least this share of its weight (좀 아쉽다 is still 아쉽다).
DAMPENED_FLOOR = 0.25
# Morphemes looked back for degree adverbs (VADER looks at three preceding words).
BOOSTER_WINDOW = 3
# VADER's decay by distance of the booster: 1st word 1.0, 2nd 0.95, 3rd 0.9.
BOOSTER_DECAY = (1.0, 0.95, 0.9)

# Slang prefixes written onto the word they intensify (개웃김, 개빠르네, 핵노잼, 존잘): Kiwi reads
# them as nouns (dog, the counter 개, nucleus); glued to a scored content word they boost it
# and judge nothing.
SLANG_PREFIX_KEYS = frozenset({"개/NNG", "개/NNB", "핵/NNG", "존/NNG"})
# Tags of the words such a prefix can be glued to.
SLANG_PREFIX_TARGET_TAGS = frozenset({"VA", "VV", "NNG", "XR", "MAG"})

# --- negation -------------------------------------------------------------------------------
# VADER's N_SCALAR: a negated word flips and loses about a quarter of its strength.
NEGATION_SCALAR = -0.74
# Morphemes looked back for 안/못 (안 좋다, 못 믿다, 정말 안 좋다).
NEGATION_PRE_WINDOW = 2
# Morphemes looked ahead for -지 않다 / 아니다 / 없다 (좋/지/않/다, 좋/은/것/이/아니다,
# 재미/가/하나/도/없다, 진정/성/은/하나/도/안/느끼다): measured on Kiwi 0.24 analyses.
NEGATION_POST_WINDOW = 7
# Tags that may stand between a polarity word and its post-negator without ending the scope.
NEGATION_SKIP_TAGS = frozenset(
    {
        "EC",
        "EP",
        "ETM",
        "ETN",
        "JX",
        "JKS",
        "JKC",
        "JKO",
        "JKB",
        "NNB",
        "NR",
        "MAG",
        "XSV",
        "XSA",
        "XSN",
        "VX",
        "VCP",
        "SO",
        "Z_CODA",
    }
)
# Predicate tags: a noun's scope runs through one governing predicate (진정성 안 느껴진다).
PREDICATE_TAGS = frozenset({"VV", "VA"})

# --- contrast -------------------------------------------------------------------------------
# VADER's "but" rule: words before the contrast weigh half, words after one and a half.
CONTRAST_BEFORE_SCALAR = 0.5
CONTRAST_AFTER_SCALAR = 1.5
# Kiwi sometimes reads -는데 as an adnominal ending plus the bound noun 데 (잘했/는/데); after an
# ETM this noun marks the same contrast as 는데/EC.
CONTRAST_BOUND_NOUN = "데/NNB"

# --- punctuation ----------------------------------------------------------------------------
# VADER: each "!" adds 0.292 in the direction of the sentence, at most four count.
EXCLAMATION_INCREMENT = 0.292
MAX_EXCLAMATIONS = 4
# VADER: two or three "?" add 0.18 each, more add 0.96 in total.
QUESTION_INCREMENT = 0.18
MAX_QUESTION_COUNT = 3
QUESTION_CAP = 0.96

# --- rhetorical questions -------------------------------------------------------------------
# Informal interrogative endings that in comments are mostly rhetorical (이게 사과냐?, 누가 믿니?).
RHETORICAL_ENDINGS = frozenset({"냐/EF", "니/EF", "냐/EC", "니/EC", "냐고/EF", "ᆫ가/EF", "나/EF"})
# A positive rhetorical question means the opposite; VADER's negation scalar reused for strength.
RHETORICAL_SCALAR = -0.74

# --- laughter, crying and emoticons ---------------------------------------------------------
LAUGHTER_KEYS = frozenset({"ㅋㅋ/SW", "ㅋ/SW", "ㅎㅎ/SW", "ㅎ/SW", "ㅋㅎ/SW", "크크/SW"})
CRYING_KEYS = frozenset({"ㅠㅠ/SW", "ㅜㅜ/SW", "ㅠ/SW", "ㅜ/SW", "ㅠㅜ/SW", "ㅜㅠ/SW"})
SMILE_KEYS = frozenset({"^^/SW", "^/SW"})
# Weights used when no lexicon file lists the mark: mild, like VADER's "lol" (1.8) scaled down
# because ㅋㅋ is far more frequent in Korean comments than lol in English ones.
DEFAULT_LAUGHTER_WEIGHT = 0.8
DEFAULT_CRYING_WEIGHT = -1.0
DEFAULT_SMILE_WEIGHT = 0.8
# A laugh or a cry in an opinionated sentence echoes that opinion (ㅋㅋ mocks after a complaint,
# ㅠㅠ is moved after praise) at this share of its own weight: tuned on comments_dev.tsv.
EXPRESSIVE_ECHO_SCALAR = 1.0

# Smallest weight (or sum) that counts as a clear opinion for the rules that read the rest of a
# sentence (echo, 역시 ~ㅋㅋ, ^^ in a complaint, rhetorical questions): 2 = "clear" on the lexicon
# scale (lexicon/README.md: 좋다, 실망). At 1 (mild) weak induced words such as 시간 (-0.9 in
# reviews) turned sincere ^^ and ㅋㅋ around; 2 (with COMPLAINT_SOURCES): comments 0.8476 -> 0.8527.
CLEAR_OPINION_WEIGHT = 2.0

# --- sarcasm ----------------------------------------------------------------------------------
# 참/아주/역시 잘~한다: praising doing "well" in a complaint is sarcasm; a clear complaint's weight.
SARCASM_WELL_DONE_WEIGHT = -2.5
# 정말/진짜 잘한다 is mostly sincere in comments (노래 진짜 잘한다); dropping them measured
# comments_dev 0.8527 -> 0.8541, reviews 0.8230 -> 0.8234.
SARCASM_WELL_PREFIXES = frozenset({"참/MAG", "아주/MAG", "역시/MAG"})
SARCASM_WELL_KEY = "잘/MAG"
# 잘~, 잘들, 잘도: the marks that make 잘 ironic even without 참 before it.
SARCASM_WELL_MARKERS = frozenset({"~/SO", "들/XSN", "도/JX"})
# Morphemes after 잘 searched for the verb (잘도 사과하/시/네요: 도, 사과, 하).
SARCASM_WELL_WINDOW = 3
SARCASM_DO_KEYS = frozenset({"하다/VV", "하/XSV"})
# 역시 ... ㅋㅋ with nothing positive said: "as expected, lol" mocks; a clear complaint's weight.
SARCASM_YEOKSI_KEY = "역시/MAG"
SARCASM_YEOKSI_WEIGHT = -2.0
# Praise followed by ^^ in a complaint: the praise is flipped with VADER's negation scalar.
SARCASM_SMILE_SCALAR = -0.74
# ... unless the written praise outweighs the complaint by this much (by lexicon weights): then the
# smile is sincere ("조금 지루했지만 정말 재미있고 따뜻한 영화였어요^^").
SARCASM_SINCERE_PRAISE_RATIO = 1.5
# Lexicon sources whose words can make a text a complaint for the ^^ rule: written ones, not
# words learned from film reviews (시간, 여유), which are evidence but not a stated complaint.
COMPLAINT_SOURCES = frozenset({"curated", "domain", "user", "rule"})

# --- events ----------------------------------------------------------------------------------
# Words that only name what happened; never opinion (DESIGN.md, PEERS.md §6: KNU SentiLex
# scores 화재 and 장애 at -2, which makes every outage report negative).
EVENT_WORDS = frozenset(
    {
        "화재/NNG",
        "장애/NNG",
        "사퇴/NNG",
        "사과/NNG",
        "정전/NNG",
        "사고/NNG",
        "발표/NNG",
        "기자회견/NNG",
        "사태/NNG",
        "서비스/NNG",
        "불/NNG",
        "복구/NNG",
        "보상/NNG",
    }
)

# --- topic words ----------------------------------------------------------------------------
# What the sentence is about is not what it thinks of it: the induced weight of a cue noun (투자,
# 주가, 대통령 learned from film reviews) and of every learned pair holding one is not used, and
# the words of a cue phrase of nouns (국정 감사 is no 감사 'thanks', 데이터 센터 no 센터 as films
# saw it) carry nothing unless a written phrase says so.
TOPIC_RULE = "topic words"

# --- reported facts --------------------------------------------------------------------------
# A sentence in the reporting register (plain declarative ending, past tense, no jamo marks) whose
# hits are all weak and none an adjective, root or adverb states a fact (화재로 서비스가 중단됐다):
# its hits weigh 0. Measured side by side on comments_dev, held-out reviews and the project
# tables: 18 of 37 neutral table sentences right instead of 1, aspect table 0.832 -> 0.893, for
# -0.04 pt on comments and -0.2 pt on reviews.
REPORT_ENDINGS = frozenset({"다/EF", "ᆫ다/EF", "는다/EF"})
REPORT_TENSE_KEY = "었/EP"
# Hits on these tags evaluate (맑다, 깔끔, 다시); a sentence with one is not a bare report.
REPORT_OPINION_TAGS = frozenset({"VA", "XR", "MAG"})
# Jamo and symbol marks (ㅋㅋ, ㅠㅠ, ^^) belong to comments, not to reports.
REPORT_MARK_TAG = "SW"
# A sentence about the writer (I, we) reports an experience, not a fact: news is third-person.
REPORT_FIRST_PERSON_KEYS = frozenset({"나/NP", "저/NP", "우리/NP", "저희/NP"})
# Below this base weight a word is weak evidence (most induced nouns and endings); 1 = mild.
REPORT_WEAK_WEIGHT = 0.9
# A sentence without a final ending that closes on one of these nouns is a headline or a news
# brief (17일 오후 기자회견 예정, 카카오톡 복구 완료, 정부 조사 착수): the register of a report,
# silenced the same way when its words are weak. Measured: comments_dev unchanged, held-out
# reviews -1 row of 15,244 (any noun-final sentence instead cost reviews 1.2 pt).
HEADLINE_END_NOUNS = (
    "예정 완료 착수 발표 개최 돌입 재개 출시 확정 시행 결정 공개 검토 추진 예고 중단 마감 진행 "
    "실시 도입 마련 개시 종료 체결 선임 사임 사퇴 임명 취임 출석 소환 방문 점검 연기"
)
HEADLINE_END_KEYS = frozenset(f"{noun}/NNG" for noun in HEADLINE_END_NOUNS.split(" "))
# Punctuation and brackets after the last word do not change what a sentence closes on.
HEADLINE_TRAILING_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO"})

# --- documents -------------------------------------------------------------------------------
# A sentence that starts with a contrast word weighs more in the document and the ones before less
# (the "but" rule carried across the sentence boundary).
SENTENCE_CONTRAST_AFTER_WEIGHT = 1.5
SENTENCE_CONTRAST_BEFORE_WEIGHT = 0.5
# A sentence without an aspect cue continues the topic of the sentence just before it
# (사과 기자회견 봤다. 진정성이 없다.): how many sentences such a topic carries over.
ASPECT_CARRY_SENTENCES = 1


def rule_constants() -> dict[str, object]:
    """All upper-case constants of this module (for the scorer version hash)."""
    return {
        name: sorted(value) if isinstance(value, frozenset) else value
        for name, value in sorted(globals().items())
        if name.isupper()
    }
