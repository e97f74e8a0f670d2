"""Recordings for the demo's voice cases, and WAV checks that uploads can reuse.

``write_voice_audio`` writes a case's ``audio_file``: when the ``espeak-ng`` command is
installed it speaks the transcript with the Mandarin voice (the customer lower and, when
angry, faster and louder than the CSR), each line placed at its ``start_s``; otherwise it
synthesises a stand-in in pure Python: voiced, tone-shaped syllable bursts at telephone
quality (8 kHz), one per character, with pauses at punctuation and between the turns. Either
way the recording lasts about the last turn's ``start_s`` plus the time to say it, and the
demo never depends on espeak-ng.

``is_wav``, ``wav_info`` and ``wav_duration_s`` read a RIFF/WAVE header with ``struct``
only. Unlike the ``wave`` module of Python 3.11 they accept the formats call recordings come
in (PCM, IEEE float, A-law, μ-law, and the extensible header), and a data chunk whose size
was left unfinished by a streaming writer.
"""

from __future__ import annotations

import array
import logging
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from examsrv.itembank.case_specs import CaseSpec, Speaker, Turn

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT_S = 30.0  # per line
SAMPLE_RATE = 8000  # the synthetic stand-in: telephone quality
TAIL_S = 1.2  # silence after the last line
CHARS_PER_S = 4.3  # how fast the transcript's start times assume a line is said
_ESPEAK_CHARS_PER_S = 2.83  # cmn at the default 175 words a minute, measured
_PAUSES = set("，。？！、；：,.?!;:…—“”\"'（）() ")
_ANGRY = ("愤怒", "生气", "激动", "不耐烦", "不满")


# Reading WAV headers --------------------------------------------------------------------


def espeak_command() -> str | None:
    """The path of ``espeak-ng``, or None when it is not installed."""
    return shutil.which(ESPEAK)


def write_voice_audio(spec: CaseSpec, directory: Path, *, use_espeak: bool | None = None) -> Path:
    """Write ``spec.audio_file`` into ``directory`` and return its path.

    ``use_espeak`` None speaks with espeak-ng when it is installed and falls back to the
    synthetic stand-in if it fails; True requires espeak-ng (RuntimeError when missing);
    False always synthesises.
    """
    name = spec.audio_file
    if not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"case {spec.key}: audio_file must be a plain file name, not {name!r}")
    lines = _timed_lines(spec)
    command = espeak_command() if use_espeak is not False else None
    if use_espeak and command is None:
        raise RuntimeError(f"{ESPEAK} is not installed")
    target = directory / name
    directory.mkdir(parents=True, exist_ok=True)
    if command is not None:
        try:
            rate, samples = _spoken(command, lines)
        except (OSError, subprocess.SubprocessError, wave.Error, ValueError) as exc:
            if use_espeak:
                raise RuntimeError(f"{ESPEAK} failed on {spec.key}: {exc}") from exc
            log.warning(
                "%s failed on %s (%s); writing a synthetic recording", ESPEAK, spec.key, exc
            )
            rate, samples = SAMPLE_RATE, _synthetic(spec.key, lines)
    else:
        rate, samples = SAMPLE_RATE, _synthetic(spec.key, lines)
    _write_wav(target, rate, samples)
    return target


@dataclass(frozen=True)
class _Line:
    text: str
    customer: bool
    angry: bool
    start_s: float
    slot_s: float  # the time it has before the next line starts


def _timed_lines(spec: CaseSpec) -> list[_Line]:
    turns: list[Turn] = sorted(spec.turns, key=lambda t: t.start_s or 0.0)
    if not turns or any(t.start_s is None for t in turns):
        raise ValueError(f"case {spec.key}: every turn needs start_s")
    lines = []
    for i, turn in enumerate(turns):
        start = turn.start_s or 0.0
        said = len(turn.text) / CHARS_PER_S
        if i + 1 < len(turns):
            said = max(0.8, min(said, (turns[i + 1].start_s or 0.0) - start - 0.25))
        customer = turn.speaker == Speaker.CUSTOMER
        angry = customer and any(word in turn.emotion for word in _ANGRY)
        lines.append(_Line(turn.text, customer, angry, start, said))
    return lines


def _write_wav(path: Path, rate: int, samples: array.array[int]) -> None:
    if sys.byteorder == "big":
        samples.byteswap()
    handle, temporary = tempfile.mkstemp(prefix=".", suffix=".wav", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(samples.tobytes())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a recording is not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# espeak-ng ----------------------------------------------------------------------------------


def _spoken(command: str, lines: Sequence[_Line]) -> tuple[int, array.array[int]]:
    """Each line spoken by espeak-ng at about the speed its slot needs, placed at its start.

    espeak-ng speaks at 22050 Hz; the recording keeps every other sample, which halves its
    size and still carries more than a phone line does (its formant synthesis has little
    energy above 5.5 kHz to fold back).
    """
    source = rate = 0  # espeak-ng's sample rate, the recording's
    out = array.array("h")
    with tempfile.TemporaryDirectory(prefix="examsrv-voice-") as scratch:
        wav = Path(scratch) / "line.wav"
        for line in lines:
            chars = max(1, sum(ch not in _PAUSES for ch in line.text))
            speed = round(175 * chars / line.slot_s / _ESPEAK_CHARS_PER_S)
            speed = max(130, min(speed, 330))
            pitch = (30 if line.customer else 62) + (8 if line.angry else 0)
            amplitude = 150 if line.angry else 110
            args = [command, "-v", "cmn", "-s", str(speed), "-p", str(pitch)]
            args += ["-a", str(amplitude), "-w", str(wav), "--stdin"]
            subprocess.run(
                args,
                input=line.text.encode("utf-8"),
                capture_output=True,
                timeout=ESPEAK_TIMEOUT_S,
                check=True,
            )
            with wave.open(str(wav), "rb") as spoken:
                if spoken.getsampwidth() != 2 or spoken.getnchannels() != 1:
                    raise ValueError("espeak-ng wrote an unexpected WAV format")
                if source and spoken.getframerate() != source:
                    raise ValueError("espeak-ng changed its sample rate")
                source = spoken.getframerate()
                voice = array.array("h", spoken.readframes(spoken.getnframes()))
            if sys.byteorder == "big":
                voice.byteswap()
            rate = source // 2 if source > 16000 else source
            if rate != source:
                voice = voice[::2]
            at = round(line.start_s * rate)
            if out:  # never overlap the line before
                at = max(at, len(out) + round(0.15 * rate))
            out.extend(array.array("h", bytes(2 * (at - len(out)))))
            out.extend(voice)
    out.extend(array.array("h", bytes(2 * round(TAIL_S * rate))))
    return rate, out


# The synthetic stand-in ------------------------------------------------------------------

# One period of a voiced sound: a fundamental and falling harmonics.
_TABLE_SIZE = 1024
_TABLE = [
    sum(math.sin(2 * math.pi * k * i / _TABLE_SIZE) / k**1.3 for k in range(1, 7))
    for i in range(_TABLE_SIZE)
]
_PEAK = max(abs(v) for v in _TABLE)
# Pitch contours of the four Mandarin tones: (start, middle, end) relative to the base pitch.
_TONES = ((1.12, 1.12, 1.1), (0.92, 1.0, 1.16), (0.96, 0.8, 1.0), (1.22, 1.05, 0.84))


def _synthetic(key: str, lines: Sequence[_Line]) -> array.array[int]:
    rng = random.Random(f"audio:{key}")
    last = lines[-1]
    total = round((last.start_s + last.slot_s + TAIL_S) * SAMPLE_RATE)
    out = array.array("h", bytes(2 * total))
    for line in lines:
        units = [ch not in _PAUSES for ch in line.text]
        weight = sum(1.0 if voiced else 1.4 for voiced in units) or 1.0
        unit_s = max(0.1, min(0.32, line.slot_s / weight))
        length = round(unit_s * 0.85 * SAMPLE_RATE)
        base = round((165 if line.customer else 235) * (1.1 if line.angry else 1.0))
        loud = 0.75 if line.angry else 0.5
        at = line.start_s
        for ch, voiced in zip(line.text, units, strict=True):
            if not voiced:
                at += unit_s * 1.4
                continue
            start = round(at * SAMPLE_RATE)
            vowel = _vowel(length, base, ord(ch) % len(_TONES), loud)[: max(0, total - start)]
            out[start : start + len(vowel)] = vowel
            noise = 32767 * loud * 0.5
            for i in range(start, min(start + _ONSET, start + len(vowel))):  # the consonant
                out[i] = int(out[i] * 0.3 + (rng.random() - 0.5) * noise)
            at += unit_s
    return out


_ONSET = round(0.025 * SAMPLE_RATE)


@lru_cache(maxsize=512)
def _vowel(n: int, base: int, tone: int, loud: float) -> array.array[int]:
    """A voiced syllable of ``n`` samples on a Mandarin tone's pitch contour."""
    attack, release = 0.02 * SAMPLE_RATE, 0.06 * SAMPLE_RATE
    scale = 32767 * loud / _PEAK
    first, middle, last = _TONES[tone]
    half = n / 2
    step = base * _TABLE_SIZE / SAMPLE_RATE  # table positions a sample at the base pitch
    position = 0.0
    values = [0] * n
    for i in range(n):
        if i < half:
            contour = first + (middle - first) * i / half
        else:
            contour = middle + (last - middle) * (i - half) / half
        position = (position + step * contour) % _TABLE_SIZE
        envelope = min(1.0, i / attack, (n - i) / release) * (1.0 - 0.3 * i / n)
        values[i] = int(_TABLE[int(position)] * envelope * scale)
    return array.array("h", values)
