"""Issue 20, "done when": the staff statistics page shows charts for the demo data, and the
demo never invents members in production."""
from sentem.accounts.models import Member
from sentem.cli import demo_shoppers
from sentem.statistics.models import StatRun
from tests.admin.builders import make_staff, staff_login


def test_demo_seed_fills_the_statistics_with_unsuppressed_charts(runner, client):
    out = runner.invoke(args=["demo", "seed"])
    assert out.exit_code == 0, out.output
    assert "shoppers: 48 demo members added" in out.output and "statistics: built (done)" in out.output
    run = StatRun.query.one()
    declined = demo_shoppers.COUNT // demo_shoppers.DECLINES_EVERY
    assert run.status == "done" and run.counted == demo_shoppers.COUNT - declined
    staff_login(client, make_staff("marketing_staff"))
    html = client.get("/admin/statistics").get_data(as_text=True)
    assert html.count("<svg") >= 7
    region = html.split('id="dim-region"')[1].split("</section>")[0]
    for name in ("서울", "경기", "부산", "대구"):  # each region holds about 10 consenting shoppers
        assert f"<td>{name}</td><td>&lt;5</td>" not in region and f"<td>{name}</td><td>비공개</td>" not in region
        assert f"<td>{name}</td>" in region
    again = runner.invoke(args=["demo", "seed"])
    assert "shoppers: 0 demo members added" in again.output
    assert Member.query.count() == demo_shoppers.COUNT


def test_no_demo_shoppers_in_production(app, runner):
    app.config["SENTEM_ENV"] = "production"
    out = runner.invoke(args=["demo", "seed"])
    assert "Refused in production" in out.output
    assert Member.query.count() == 0


def test_benches_seed_the_catalog_without_shoppers(runner):
    out = runner.invoke(args=["demo", "seed", "--no-shoppers"])
    assert out.exit_code == 0 and "shoppers" not in out.output
    assert Member.query.count() == 0
