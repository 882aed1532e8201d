"""A YAML dumper that writes multi-line strings (embedded config files, dashboard JSON) as literal blocks,
so rendered manifests and ConfigMaps stay readable and diffable."""

from __future__ import annotations

import yaml


class BlockDumper(yaml.SafeDumper):
    """SafeDumper with `|` literal blocks for every string that contains a newline."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


BlockDumper.add_representer(str, _str)
