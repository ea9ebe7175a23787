"""The `harvester` command's verbs, one module each; `harvester.cli` wires them."""
