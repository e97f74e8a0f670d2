"""Recognising a call recording: WAV files, read with the standard library only.

Used where authors upload recordings for voice cases and by the demo's generator.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_FORMATS = {1: "PCM", 3: "IEEE float", 6: "A-law", 7: "μ-law", 0xFFFE: "extensible"}


@dataclass(frozen=True)
class WavInfo:
    format: str
    channels: int
    sample_rate: int
    bits: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def wav_info(data: bytes) -> WavInfo:
    """The format and length of a RIFF/WAVE file; ValueError when ``data`` is not one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    offset = 12
    fmt: tuple[int, int, int, int, int] | None = None
    while offset + 8 <= len(data):
        chunk, size = struct.unpack_from("<4sI", data, offset)
        body = offset + 8
        if chunk == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise ValueError("truncated fmt chunk")
            tag, channels, rate, _byte_rate, align, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag not in _FORMATS:
                raise ValueError(f"unsupported WAV format tag {tag:#x}")
            if not (1 <= channels <= 8 and 1 <= rate <= 384_000 and align > 0 and bits > 0):
                raise ValueError("implausible WAV format")
            fmt = (tag, channels, rate, align, bits)
        elif chunk == b"data":
            if fmt is None:
                raise ValueError("data chunk before fmt chunk")
            tag, channels, rate, align, bits = fmt
            available = min(size, len(data) - body)  # a streamed file may overstate it
            return WavInfo(_FORMATS[tag], channels, rate, bits, available // align)
        offset = body + size + (size & 1)  # chunks are padded to even sizes
    raise ValueError("no data chunk")


def is_wav(data: bytes) -> bool:
    """Whether ``data`` is a WAV recording this module can read."""
    try:
        wav_info(data)
    except ValueError:
        return False
    return True


def wav_duration_s(data: bytes) -> float:
    """The length of a WAV recording in seconds; ValueError when ``data`` is not one."""
    return wav_info(data).duration_s


# Writing the recording --------------------------------------------------------------------
