"""Recordings of the demo's voice cases, with and without espeak-ng, and the WAV checks."""

from __future__ import annotations

import dataclasses
import io
import logging
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

from examsrv.demo import case_audio
from examsrv.demo.case_audio import SAMPLE_RATE, espeak_command, write_voice_audio
from examsrv.demo.case_bank import generate_cases
from examsrv.itembank.case_specs import CaseKind, CaseSpec
from examsrv.itembank.recordings import is_wav, wav_duration_s, wav_info
from tests.conftest import need_service

VOICE = next(case for case in generate_cases(6) if case.kind is CaseKind.VOICE)


def last_start(spec: CaseSpec) -> float:
    return max(turn.start_s or 0.0 for turn in spec.turns)


def assert_sensible(path: Path, spec: CaseSpec) -> float:
    data = path.read_bytes()
    assert is_wav(data)
    duration = wav_duration_s(data)
    assert last_start(spec) + 1.0 <= duration <= last_start(spec) + 15.0
    return duration


def wav_bytes(rate: int, frames: int, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(2 * channels * frames))
    return buffer.getvalue()


def riff(*chunks: tuple[bytes, bytes]) -> bytes:
    body = b"".join(
        name + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")
        for name, data in chunks
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def fmt(tag: int, channels: int, rate: int, bits: int) -> tuple[bytes, bytes]:
    align = channels * bits // 8
    return b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)


# Writing recordings -----------------------------------------------------------------------


def test_the_synthetic_recording(tmp_path: Path) -> None:
    path = write_voice_audio(VOICE, tmp_path, use_espeak=False)
    assert path == tmp_path / f"{VOICE.key}.wav"
    assert_sensible(path, VOICE)
    info = wav_info(path.read_bytes())
    assert (info.format, info.channels, info.sample_rate, info.bits) == ("PCM", 1, SAMPLE_RATE, 16)
    again = write_voice_audio(VOICE, tmp_path / "again", use_espeak=False)
    assert again.read_bytes() == path.read_bytes()  # deterministic
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [path.name]  # no temp left


def test_the_synthetic_recording_is_speech_shaped(tmp_path: Path) -> None:
    path = write_voice_audio(VOICE, tmp_path, use_espeak=False)
    with wave.open(str(path)) as recording:
        frames = recording.readframes(recording.getnframes())
    samples = memoryview(frames).cast("h")
    first = VOICE.turns[0].start_s or 0.0
    assert max(abs(s) for s in samples[: int(first * SAMPLE_RATE)]) == 0  # silent before
    window = samples[int(first * SAMPLE_RATE) : int((first + 2) * SAMPLE_RATE)]
    assert max(abs(s) for s in window) > 5000  # someone speaks at the first start_s


def test_without_espeak_the_demo_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert espeak_command() is None
    path = write_voice_audio(VOICE, tmp_path)
    assert wav_info(path.read_bytes()).sample_rate == SAMPLE_RATE
    with pytest.raises(RuntimeError, match="espeak-ng"):
        write_voice_audio(VOICE, tmp_path, use_espeak=True)


def test_a_failing_espeak_falls_back_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(args: list[str], **_kwargs: object) -> None:
        raise subprocess.CalledProcessError(1, args)

    monkeypatch.setattr(shutil, "which", lambda _name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(subprocess, "run", broken)
    with caplog.at_level(logging.WARNING, logger=case_audio.__name__):
        path = write_voice_audio(VOICE, tmp_path)
    assert wav_info(path.read_bytes()).sample_rate == SAMPLE_RATE
    assert "synthetic" in caplog.text
    with pytest.raises(RuntimeError, match="failed"):
        write_voice_audio(VOICE, tmp_path, use_espeak=True)


def test_espeak_speaks_the_transcript(tmp_path: Path) -> None:
    if espeak_command() is None:
        need_service("espeak-ng", "not installed: apt-get install espeak-ng")
    path = write_voice_audio(VOICE, tmp_path, use_espeak=True)
    assert_sensible(path, VOICE)
    info = wav_info(path.read_bytes())
    assert info.sample_rate != SAMPLE_RATE and info.channels == 1


def test_every_voice_case_gets_a_recording_of_its_length(tmp_path: Path) -> None:
    for spec in generate_cases(3):
        if spec.kind is CaseKind.VOICE:
            assert_sensible(write_voice_audio(spec, tmp_path, use_espeak=False), spec)


@pytest.mark.parametrize("name", ["../escape.wav", "sub/dir.wav", "", ".."])
def test_the_audio_file_must_be_a_plain_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="file name"):
        write_voice_audio(dataclasses.replace(VOICE, audio_file=name), tmp_path)


def test_a_voice_case_needs_start_times(tmp_path: Path) -> None:
    turns = (dataclasses.replace(VOICE.turns[0], start_s=None), *VOICE.turns[1:])
    with pytest.raises(ValueError, match="start_s"):
        write_voice_audio(dataclasses.replace(VOICE, turns=turns), tmp_path)


# Reading WAV headers --------------------------------------------------------------------


def test_wav_module_output_is_read() -> None:
    data = wav_bytes(16000, 24000, channels=2)
    assert is_wav(data)
    assert wav_duration_s(data) == pytest.approx(1.5)
    info = wav_info(data)
    assert (info.format, info.channels, info.sample_rate, info.bits) == ("PCM", 2, 16000, 16)


def test_telephone_formats_and_extra_chunks_are_read() -> None:
    mulaw = riff(fmt(7, 1, 8000, 8), (b"LIST", b"odd"), (b"data", bytes(8000)))
    assert wav_info(mulaw).format == "μ-law"
    assert wav_duration_s(mulaw) == pytest.approx(1.0)
    extensible = riff(fmt(0xFFFE, 1, 48000, 32), (b"data", bytes(4 * 4800)))
    assert wav_duration_s(extensible) == pytest.approx(0.1)


def test_a_streamed_header_is_measured_by_the_data_present() -> None:
    data = bytearray(wav_bytes(8000, 4000))
    at = data.index(b"data")
    data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFFF)
    assert wav_duration_s(bytes(data)) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"RIFF",
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(100),  # an MP3
        b"OggS" + bytes(100),
        riff(fmt(1, 1, 8000, 16))[:8] + b"AVI " + bytes(40),
        riff(fmt(1, 1, 8000, 16)),  # no data chunk
        riff((b"data", bytes(16))),  # data before fmt
        riff(fmt(0x55, 1, 8000, 16), (b"data", bytes(16))),  # MP3 inside WAV
        riff(fmt(1, 0, 8000, 16), (b"data", bytes(16))),  # no channels
        riff((b"fmt ", bytes(8)), (b"data", bytes(16))),  # truncated fmt
        "这不是录音".encode(),
    ],
)
def test_non_wav_data_is_rejected(data: bytes) -> None:
    assert not is_wav(data)
    with pytest.raises(ValueError):
        wav_duration_s(data)
