"""``remove_tree``: whatever a program left (deeper than any recursion limit or path length,
locked directories, links out of the tree), it is removed without raising and without touching
anything outside the tree."""

from __future__ import annotations

import os
from pathlib import Path

from codesteer.sandbox.cleanup import remove_tree


def _deep_tree(root: Path, depth: int) -> None:
    """``depth`` nested directories (paths far beyond PATH_MAX), a file every 500 levels."""
    top = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    current = top
    for level in range(depth):
        os.mkdir("dir-with-a-long-name", dir_fd=current)
        nested = os.open("dir-with-a-long-name", os.O_RDONLY | os.O_DIRECTORY, dir_fd=current)
        if current != top:
            os.close(current)
        current = nested
        if level % 500 == 0:
            os.close(os.open("file", os.O_CREAT | os.O_WRONLY, dir_fd=current))
    os.close(current)
    os.close(top)


def test_a_tree_deeper_than_paths_and_recursion_allow_is_removed(tmp_path: Path) -> None:
    tree = tmp_path / "job"
    tree.mkdir()
    _deep_tree(tree, 3000)  # 3000 * 21 characters: far beyond PATH_MAX (4096)
    assert remove_tree(str(tree)) is True
    assert not tree.exists()


def test_locked_directories_and_links_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    tree = tmp_path / "job"
    (tree / "a" / "b" / "c").mkdir(parents=True)
    (tree / "a" / "b" / "c" / "f").write_text("x")
    (tree / "a" / "link").symlink_to(outside, target_is_directory=True)
    (tree / ".removing-0").mkdir()  # a name the removal itself would use
    for directory in (tree / "a" / "b" / "c", tree / "a" / "b", tree / "a", tree):
        directory.chmod(0)
    assert remove_tree(str(tree)) is True
    assert not tree.exists()
    assert (outside / "keep.txt").read_text() == "keep"


def test_odd_targets_never_raise(tmp_path: Path) -> None:
    assert remove_tree(str(tmp_path / "missing")) is True
    file = tmp_path / "file"
    file.write_text("x")
    assert remove_tree(str(file)) is True and not file.exists()
    link = tmp_path / "link"
    link.symlink_to(tmp_path, target_is_directory=True)
    assert remove_tree(str(link)) is True and not link.exists() and tmp_path.exists()
