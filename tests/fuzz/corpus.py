"""A corpus of broken scenarios, made by mutating the shipped ones in scenarios/.

Each mutation is one thing a person, an editor or an attacker could do to a scenario file:

- on the values (parsed, changed, written back as YAML): delete a key, swap a value's type (a
  number for text, a list, a mapping, a date, nothing), put in a huge, tiny, negative, NaN or
  infinite number, add an unknown key, nest a value deeply, share a value through an alias;
- on the text: insert a control character, cut the file short, repeat or drop a line, open 200
  brackets, add an alias bomb or a self-referencing alias, use an undefined alias, merge keys,
  insert a tab, flip bytes (also into invalid UTF-8), add a tag.

:func:`corpus` is deterministic for a seed. Run it as a program to write files for a look by
hand: ``python -m tests.fuzz.corpus --count 2000 --out /tmp/corpus``.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))

CONTROL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85,
                            0x9B)] + ["\u202e", "\ufeff", "\x1b]0;title\x07"]
NUMBERS: list[Any] = [0, -1, -1e300, 1e308, 1e-320, 10**400, -(10**30), 2**63, float("nan"),
                      float("inf"), float("-inf"), 0.5, 1.5, 100, 1e15, -0.0, True, "1e9999",
                      "12abc", "", "25%", "1,000", "0x1F", ".nan"]
OTHERS: list[Any] = [None, "text", [], {}, [1, 2], {"a": 1}, {"triangular": [3, 2, 1]},
                     {"lognormal": [30, 1e200]}, {"normal": [1, -1]}, {"uniform": []},
                     datetime.date(2019, 4, 1), datetime.datetime(2019, 4, 1, 10, 0),
                     "2019-13", "2019-04-01", {"2019-04": None}, [[[[1]]]], "[/b] [link=x]",
                     "é" * 300]


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*path, i))


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _delete(data: Any, path: tuple[Any, ...]) -> None:
    parent = _get(data, path[:-1])
    del parent[path[-1]]


def _nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


# --- mutations on the values ---------------------------------------------------------------


def delete_key(rng: random.Random, data: Any) -> str:
    paths = [p for p in _paths(data) if p and isinstance(_get(data, p[:-1]), (dict, list))]
    _delete(data, rng.choice(paths))
    return _dump(data)


def swap_value(rng: random.Random, data: Any) -> str:
    path = rng.choice([p for p in _paths(data) if p])
    _set(data, path, copy.deepcopy(rng.choice(NUMBERS + OTHERS)))
    return _dump(data)


def bad_number(rng: random.Random, data: Any) -> str:
    numeric = [p for p in _paths(data) if p and isinstance(_get(data, p), (int, float))
               and not isinstance(_get(data, p), bool)]
    for path in rng.sample(numeric, min(len(numeric), rng.randint(1, 3))):
        _set(data, path, rng.choice(NUMBERS))
    return _dump(data)


def unknown_key(rng: random.Random, data: Any) -> str:
    mappings = [p for p in _paths(data) if isinstance(_get(data, p), dict)]
    where = _get(data, rng.choice(mappings))
    name = rng.choice(["acess", "draw", "foo\x1b[31m", "[link=x]k", "beds ", "2020-03", "end",
                       "draws", "<<", "x" * 500])
    where[name] = rng.choice(NUMBERS + OTHERS)
    return _dump(data)


def deep_value(rng: random.Random, data: Any) -> str:
    path = rng.choice([p for p in _paths(data) if p])
    _set(data, path, _nested(rng.choice([10, 40, 63, 64, 65, 100]), 1))
    return _dump(data)


def shared_value(rng: random.Random, data: Any) -> str:
    """The same list or mapping in two places: yaml writes it once, with an anchor and alias."""
    containers = [p for p in _paths(data) if p and isinstance(_get(data, p), (dict, list))]
    targets = [p for p in _paths(data) if p]
    if not containers:
        return _dump(data)
    shared = _get(data, rng.choice(containers))
    for path in rng.sample(targets, min(len(targets), 3)):
        try:
            _set(data, path, shared)
        except (KeyError, IndexError, TypeError):
            pass
    try:
        return _dump(data)
    except (RecursionError, yaml.YAMLError):  # a value set inside itself: write it as text
        return "x: &a [*a]\n"


# --- mutations on the text -----------------------------------------------------------------


def control_char(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(CONTROL) + text[at:]


def escaped_control(rng: random.Random, text: str) -> str:
    """A control character written as an escape in double quotes: valid YAML, odd value."""
    lines = text.splitlines()
    i = next((i for i, line in enumerate(lines) if line.startswith("name:")), 0)
    lines[i] = 'name: "a\\e]0;pwned\\a [/b] \\x9b"'
    return "\n".join(lines) + "\n"


def truncate(rng: random.Random, text: str) -> str:
    return text[:rng.randrange(len(text))]


def repeat_line(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    return "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])


def drop_line(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def brackets(rng: random.Random, text: str) -> str:
    n = rng.choice([70, 200, 500, 5000])
    closed = rng.random() < 0.5
    return text + f"deep: {'[' * n}{']' * n if closed else ''}\n"


def alias_bomb(rng: random.Random, text: str) -> str:
    width, levels = rng.choice([(9, 8), (10, 9), (3, 20), (2, 40)])
    names = [f"l{i}" for i in range(levels)]
    lines = [f"{names[0]}: &{names[0]} [" + ",".join(["x"] * width) + "]"]
    for prev, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * width) + "]")
    return "\n".join(lines) + "\n" + text


def merge_keys(rng: random.Random, text: str) -> str:
    return rng.choice([
        "base: &base {code: E54000017, name: Base}\nfootprint:\n  <<: *base\n  name: Over\n",
        "z: &z\n  <<: *z\n",
        "m: {<<: 5}\n",
        "m: {<<: [*nowhere]}\n",
    ]) + text


def alias_trouble(rng: random.Random, text: str) -> str:
    return text + rng.choice(["x: &a [*a]\n", "x: *undefined\n", "x: &a {k: *a}\n",
                              "x: &a [1]\nx2: &a [2]\n", "? &k [1]\n: 2\n", "? *k\n"])


def tab(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    lines[i] = "\t" + lines[i]
    return "".join(lines)


def tag(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    if ": " in lines[i]:
        key, value = lines[i].split(": ", 1)
        t = rng.choice(["!!binary", "!!set", "!!python/object:os.system", "!custom", "!!str",
                        "!!float", "!!int", "!!timestamp", "!!omap", "!!merge"])
        lines[i] = f"{key}: {t} {value}"
    return "".join(lines)


TEXT_MUTATIONS: list[Callable[[random.Random, str], str]] = [
    control_char, escaped_control, truncate, repeat_line, drop_line, brackets, alias_bomb,
    merge_keys, alias_trouble, tab, tag]
DATA_MUTATIONS: list[Callable[[random.Random, Any], str]] = [
    delete_key, swap_value, bad_number, unknown_key, deep_value, shared_value]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def mutate(rng: random.Random, source: Path) -> tuple[str, bytes]:
    """One mutated scenario: ``(the mutation's name, the file's bytes)``."""
    text = source.read_text(encoding="utf-8")
    roll = rng.random()
    if roll < 0.45:
        fn = rng.choice(DATA_MUTATIONS)
        data = yaml.safe_load(text)
        return fn.__name__, fn(rng, data).encode("utf-8")
    if roll < 0.93:
        fn2 = rng.choice(TEXT_MUTATIONS)
        return fn2.__name__, fn2(rng, text).encode("utf-8")
    return "flip_bytes", flip_bytes(rng, text.encode("utf-8"))


def corpus(count: int, seed: int = 18) -> Iterator[tuple[str, str, bytes]]:
    """``count`` mutated scenarios: ``(name, mutation, bytes)``, the same for the same seed.
    Mutations compose: one in five has a second mutation on top of the first."""
    rng = random.Random(seed)
    for i in range(count):
        source = rng.choice(SHIPPED)
        mutation, data = mutate(rng, source)
        if rng.random() < 0.2:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                fn = rng.choice(TEXT_MUTATIONS)
                data = fn(rng, text or "x").encode("utf-8", "surrogatepass")
                mutation += "+" + fn.__name__
        yield f"{i:05d}-{source.stem}-{mutation}.yaml", mutation, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, _, data in corpus(args.count, args.seed):
        (args.out / name).write_bytes(data)
    print(f"wrote {args.count} scenarios to {args.out}")


if __name__ == "__main__":
    main()


