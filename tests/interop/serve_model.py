"""Saves the house-price pyfunc model the serving interop test and the load bench run with
`mlflow models serve`: the same linear formula and signature as the Rust model. A signature
without `sqft` gets the scalar-casts model instead (`tests/interop_serve.rs`), which reports
what it received of each cast column, as its Rust twin does.

usage: python serve_model.py PATH SIGNATURE_DICT_JSON
"""

import json
import sys

import mlflow
import pandas as pd
from mlflow.models import ModelSignature


class LinearHousePrice(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return pd.DataFrame(
            {
                "price": 50_000.0
                + 150.0 * model_input["sqft"]
                + 10_000.0 * model_input["bedrooms"]
            }
        )


class Scalars(mlflow.pyfunc.PythonModel):
    """The values MLflow's casts hand the model: numbers summed, the boolean as 0 or 1, the
    length of the string's text."""

    def predict(self, context, model_input, params=None):
        return pd.DataFrame(
            {
                "total": model_input["double"].astype(float)
                + model_input["float"].astype(float)
                + model_input["long"].astype(float)
                + model_input["integer"].astype(float),
                "flag": model_input["boolean"].astype(int),
                "text_len": model_input["string"].map(lambda s: len(str(s))),
            }
        )


if __name__ == "__main__":
    path, signature = sys.argv[1], json.loads(sys.argv[2])
    inputs = [spec.get("name") for spec in json.loads(signature["inputs"])]
    mlflow.pyfunc.save_model(
        path,
        python_model=LinearHousePrice() if "sqft" in inputs else Scalars(),
        signature=ModelSignature.from_dict(signature),
        pip_requirements=["mlflow"],
    )
