"""The shell blocks of a Markdown file and their docs-test markings
(run_documented_commands.py says what they mean)."""

import re

SHELL_LANGS = {"", "sh", "bash", "shell", "console"}
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
DIRECTIVE = re.compile(r"^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$")
SKIP = re.compile(r"^skip\s*\((.*)\)$")
REQUIRES = re.compile(r"^requires\s+(.+)$")


class Block:
    def __init__(self, path, line, lang, lines):
        self.path, self.line, self.lang, self.lines = path, line, lang, lines
        self.skip = None        # the reason, when marked skip
        self.requires = []      # lit features
        self.check_output = False

    def where(self):
        return f"{self.path}:{self.line}"

    def script_and_output(self):
        """The bash script to run and the output the block shows (None
        without prompts). A `$ ` command continues over lines that end in a
        backslash; the other lines after it are its output."""
        if not any(l.startswith("$ ") or l == "$" for l in self.lines):
            return "\n".join(self.lines) + "\n", None
        script, shown, continued = [], [], False
        for l in self.lines:
            if continued or l.startswith("$ ") or l == "$":
                cmd = l if continued else l[2:]
                script.append(cmd)
                continued = cmd.endswith("\\")
            else:
                shown.append(l)
        return "\n".join(script) + "\n", shown

    def commands(self):
        """The commands, one per line, for listing: continuations joined,
        comments and blank lines dropped."""
        script, _ = self.script_and_output()
        joined = re.sub(r"\\\n\s*", " ", script)
        return [l.strip() for l in joined.splitlines()
                if l.strip() and not l.strip().startswith("#")]


def parse(path, rel):
    """The shell blocks of one Markdown file, with their directives, and the
    errors of the marking."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, errors, pending = [], [], []
    i = 0
    while i < len(lines):
        m = DIRECTIVE.match(lines[i])
        if m:
            pending.append((i + 1, m.group(1)))
            i += 1
            continue
        fence = FENCE.match(lines[i])
        if not fence:
            # Blank lines may stand between the directives and the fence.
            if lines[i].strip() and pending:
                for n, _ in pending:
                    errors.append(f"{rel}:{n}: docs-test directive not "
                                  "followed by a code block")
                pending = []
            i += 1
            continue
        indent, marker, lang = fence.groups()
        start = i + 1
        i += 1
        body = []
        while i < len(lines) and not (
                lines[i].strip().startswith(marker[0] * len(marker))
                and not lines[i].strip().strip(marker[0])):
            body.append(lines[i][len(indent):]
                        if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        i += 1  # the closing fence
        lang = lang.lower()
        if lang not in SHELL_LANGS:
            for n, _ in pending:
                errors.append(f"{rel}:{n}: docs-test directive on a "
                              f"'{lang}' block, which is never run")
            pending = []
            continue
        block = Block(rel, start, lang, body)
        for n, text in pending:
            error = apply_directive(block, text)
            if error:
                errors.append(f"{rel}:{n}: {error}")
        pending = []
        blocks.append(block)
    for n, _ in pending:
        errors.append(f"{rel}:{n}: docs-test directive not followed by a "
                      "code block")
    return blocks, errors


def apply_directive(block, text):
    skip = SKIP.match(text)
    if skip:
        if not skip.group(1).strip():
            return "docs-test: skip needs a reason: skip (why)"
        block.skip = skip.group(1).strip()
        return None
    if text == "skip" or text.startswith("skip "):
        return "docs-test: skip needs a reason in parentheses: skip (why)"
    requires = REQUIRES.match(text)
    if requires:
        block.requires += [f.strip() for f in requires.group(1).split(",")
                           if f.strip()]
        return None
    if text == "output":
        block.check_output = True
        return None
    return (f"unknown docs-test directive '{text}' (skip (why), "
            "requires FEATURE, output)")


def output_matches(shown, actual):
    """`...` within a shown line stands for any text, and a line that is
    only `...` for any number of lines."""
    parts = []
    for line in shown:
        line = line.rstrip()
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(map(re.escape, line.split("...")))
                         + r"[ \t]*\n")
    text = "".join(l.rstrip() + "\n" for l in actual.splitlines())
    return re.fullmatch("".join(parts), text) is not None
