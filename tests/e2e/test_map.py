"""A visitor explores the movement map in a real browser: Cytoscape.js draws it, a click on
a movement opens the side panel, and its links lead on."""

import pytest

from tests.scenarios import ZELDA, map_network

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

RENDERED = "#map-graph[data-rendered-nodes]"


def node_position(page, node_id: str) -> dict:
    """The page coordinates of a node's centre, from Cytoscape's own API."""
    # The whole graph in view (the mouse cannot click outside the viewport).
    # Cytoscape caches where its container sits and refreshes that on the scroll event,
    # which fires with the next frame: wait two frames before clicking.
    page.evaluate(
        """() => new Promise((done) => {
            document.getElementById("map-graph").scrollIntoView({block: "center"});
            requestAnimationFrame(() => requestAnimationFrame(done));
        })"""
    )
    box = page.locator("#map-graph").bounding_box()
    position = page.evaluate(
        """(id) => document.getElementById("map-graph")._cyreg.cy
            .getElementById(id).renderedPosition()""",
        node_id,
    )
    return {"x": box["x"] + position["x"], "y": box["y"] + position["y"]}


def click_node(page, node_id: str):
    where = node_position(page, node_id)
    page.mouse.click(where["x"], where["y"])


def test_visitor_clicks_a_movement_and_reaches_its_page(page, live_server):
    map_network()
    page.goto(live_server.url + "/map/")
    page.wait_for_selector(RENDERED)

    assert page.get_attribute("#map-graph", "data-rendered-nodes") == "4"
    assert page.locator("#map-status").inner_text() == (
        "4 movements, 2 overlaps drawn. Scroll or pinch to zoom, drag to pan."
    )

    click_node(page, "movement:fight-for-15")
    panel = page.locator("#map-panel")
    panel.get_by_role("heading", name="Fight for $15").wait_for()

    assert panel.get_by_role("heading", level=3).all_inner_texts() == ["Top overlaps"]
    assert panel.locator(".map-overlaps__title a").all_inner_texts() == ["Food justice"]
    assert panel.locator(".map-overlaps__title a").get_attribute("href") == (
        "/overlaps/fight-for-15/food-justice/"
    )
    # Words before numbers: the strength leads, the score is in the tooltip.
    strength = panel.locator(".map-overlaps__score")
    assert strength.all_inner_texts() == ["some overlap"]
    assert strength.get_attribute("title") == "Overlap score 0.40 out of 1"
    # A visitor's reasons: the one person in both is withheld, so no sentence about her.
    assert panel.locator(".map-overlaps__reasons li").all_inner_texts()[0] == (
        "1 organization works on both: Alliance."
    )
    assert page.locator("#map-jump").input_value() == "movement:fight-for-15"

    panel.get_by_role("link", name="Open the movement page").click()
    page.wait_for_url(live_server.url + "/movements/fight-for-15/")

    assert page.locator("h1").inner_text() == "Fight for $15"
    assert page.console_errors == []


def test_visitor_follows_an_overlap_from_the_panel(page, live_server):
    map_network()
    page.goto(live_server.url + "/map/")
    page.wait_for_selector(RENDERED)

    click_node(page, "movement:uc-divest")
    page.locator("#map-panel").get_by_role("link", name="Fossil Free").click()
    page.wait_for_url(live_server.url + "/overlaps/fossil-free/uc-divest/")

    assert page.locator("h1").inner_text() == "Fossil Free and UC Divest"
    assert page.console_errors == []


def test_visitor_shows_organizations_and_filters_the_map(page, live_server):
    map_network()
    page.goto(live_server.url + "/map/?sector=student")
    page.wait_for_selector(RENDERED)

    assert page.get_attribute("#map-graph", "data-rendered-nodes") == "2"

    page.get_by_label("Show organizations").check()
    page.wait_for_selector('#map-graph[data-rendered-nodes="3"]')

    assert page.url == live_server.url + "/map/?sector=student&organizations=1"
    click_node(page, "organization:divest-coalition")
    panel = page.locator("#map-panel")
    panel.get_by_role("heading", name="Divest Coalition").wait_for()
    assert panel.locator(".map-panel__organizations li").all_inner_texts() == [
        "Fossil Free — Lead organization in Fossil Free.",
        "UC Divest — Partner organization in UC Divest.",
    ]
    content = page.content()
    for secret in (*ZELDA.values(), "Zelda"):
        assert secret not in content
    assert page.console_errors == []


def test_visitor_finds_a_movement_with_the_keyboard(page, live_server):
    map_network()
    page.goto(live_server.url + "/map/")
    page.wait_for_selector(RENDERED)

    page.get_by_label("Find a movement").select_option(label="Food justice")

    panel = page.locator("#map-panel")
    panel.get_by_role("heading", name="Food justice").wait_for()
    assert panel.locator("p").nth(1).inner_text() == "fewer than 5 people taking part now."
    assert page.console_errors == []


def test_map_without_javascript_points_to_the_table(browser, live_server):
    map_network()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/map/")

    page.get_by_role("link", name="The overlap table").click()

    assert page.locator("h1").inner_text() == "Overlaps between movements"
    assert page.locator("table tbody tr").count() == 2
    context.close()


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'"
)


def test_map_draws_under_a_strict_content_security_policy(page, live_server):
    """No inline script or style, and Cytoscape injects no <style> (the map page's
    stylesheet link carries the id Cytoscape looks for)."""
    map_network()

    def with_csp(route):
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": STRICT_CSP},
        )

    page.route("**/*", with_csp)
    page.goto(live_server.url + "/map/?organizations=1")
    page.wait_for_selector(RENDERED)

    assert page.get_attribute("#map-graph", "data-rendered-nodes") == "6"
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert page.console_errors == []
