"""The JSON Schema of the data files, for editors and for `vbgen check`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, create_model

from generator.data.load import SECTIONS


def data_schema() -> dict[str, Any]:
    """One schema for a data file: any of its top-level keys (bodies, references, kinds, criteria,
    plan, subplan, results)."""
    fields: dict[str, Any] = {}
    for key, model in SECTIONS.items():
        shape = dict[str, model] if key in ("bodies", "references", "kinds", "criteria") else model  # type: ignore[valid-type]
        fields[key] = (shape | None, None)
    file_model: type[BaseModel] = create_model("DataFile", **fields)
    schema = file_model.model_json_schema()
    schema["title"] = "vbgen data file"
    schema["additionalProperties"] = False
    return schema
