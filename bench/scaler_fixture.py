"""scikit-learn's StandardScaler on breast cancer, for hinge-data's test of its Scaler.

Fits StandardScaler on the rows of load_breast_cancer() whose index is not a multiple of 5 and
writes its mean_ and scale_ (each float as repr writes it, which reads back exactly) to
crates/hinge-data/tests/fixtures/breast_cancer_scaler.json. Usage, with scikit-learn installed
(bench/requirements.txt):
    python bench/scaler_fixture.py
"""

import json
from pathlib import Path

from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "hinge-data" / "tests" / "fixtures" / "breast_cancer_scaler.json"

data = load_breast_cancer().data
rows = [i for i in range(len(data)) if i % 5 != 0]
scaler = StandardScaler().fit(data[rows])
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(
    json.dumps({"mean": [float(v) for v in scaler.mean_], "scale": [float(v) for v in scaler.scale_]}, indent=1)
    + "\n"
)
print(f"wrote {OUT}")
