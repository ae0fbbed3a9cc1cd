"""Saves the house-price pyfunc model the serving interop test and the load bench run with
`mlflow models serve`: the same linear formula and signature as the Rust model.

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


if __name__ == "__main__":
    path, signature = sys.argv[1], json.loads(sys.argv[2])
    mlflow.pyfunc.save_model(
        path,
        python_model=LinearHousePrice(),
        signature=ModelSignature.from_dict(signature),
        pip_requirements=["mlflow"],
    )
