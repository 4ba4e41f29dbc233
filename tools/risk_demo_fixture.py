"""Write src/svduty/web/risk/fixtures/demo_run: the synthetic layer (police.uk sample + the example RMS extract +
`svduty synth` seed 5, as tests/cli/test_cli_risk.py builds it), scored by `svduty risk score` with the demo
definition. Usage: python tools/risk_demo_fixture.py WORKDIR OUTDIR (then copy OUTDIR's files to the fixture)."""

import subprocess
import sys
from pathlib import Path

from svduty.analysis.risk import IndexDefinition
from svduty.data import police_uk, rms, synth
from svduty.data.mapping import load_mapping
from svduty.data.workspace import Workspace

sys.path.insert(0, "src")
from svduty.web.risk.demo_definition import demo_definition
from svduty.web.risk.scoring import to_toml

base = Path(sys.argv[1])
out = Path(sys.argv[2])
if not (base / "ws").exists():
    ws = Workspace.create(base / "ws")
    police_uk.ingest(ws, list(police_uk.iter_sample_paths()))
    mapping, extract = rms.example_paths()
    rms.ingest(ws, extract, load_mapping(mapping))
    synth.run(ws, seed=5)
    ws.close()
d = demo_definition()
print("problems:", IndexDefinition.from_dict(d).approval_problems())
(base / "demo.toml").write_text(to_toml(d))
subprocess.run(
    [
        sys.executable,
        "-c",
        "from svduty.cli.main import app; app()",
        "risk",
        "score",
        "--workspace",
        str(base / "ws"),
        "--out",
        str(out),
        "--definition",
        str(base / "demo.toml"),
    ],
    check=True,
)
