"""The JSON Schema of the data files, for editors and for `vbgen check`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, create_model

from .model import Body, Document, Reference


def data_schema() -> dict[str, Any]:
    """One schema for a data file: any of the top-level keys bodies, references, plan."""
    file_model: type[BaseModel] = create_model(
        "DataFile",
        bodies=(dict[str, Body] | None, None),
        references=(dict[str, Reference] | None, None),
        plan=(Document | None, None),
    )
    schema = file_model.model_json_schema()
    schema["title"] = "vbgen data file"
    schema["additionalProperties"] = False
    return schema
