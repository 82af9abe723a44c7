/* The movement map: draws /map/graph.json with Cytoscape.js (static/vendor/cytoscape/).
 *
 * No inline scripts or styles (a Content Security Policy will forbid them): everything the
 * script needs comes from data attributes on #map-graph, colours come from the stylesheet's
 * custom properties (--labor, --environmental, ...). When a graph is drawn the container
 * gets data-rendered-nodes="<number of nodes>".
 */
(function () {
  "use strict";

  const container = document.getElementById("map-graph");
  if (!container || typeof window.cytoscape !== "function") {
    return;
  }

  const panel = document.getElementById("map-panel");
  const statusLine = document.getElementById("map-status");
  const toggle = document.getElementById("id_organizations");
  const jumpWrap = document.getElementById("map-jump-wrap");
  const jump = document.getElementById("map-jump");
  const controls = document.getElementById("map-controls");
  const overlapTemplate = container.dataset.overlapUrl;

  const TOP_OVERLAPS = 5;
  const BACKBONE_EDGES = 2;
  const SECTOR_ORDER = ["labor", "environmental", "student", "community", "faith", "solidarity", "other"];
  const rootStyle = window.getComputedStyle(document.documentElement);
  const cssVar = (name, fallback) => rootStyle.getPropertyValue(name).trim() || fallback;
  const INK = cssVar("--ink", "#1d2433");
  const MUTED = cssVar("--muted", "#505a6b");
  const EDGE = "#8c96a8";
  const ORGANIZATION = "#667085";

  let cy = null;
  let selected = null;
  let request = 0;

  function graphUrl() {
    const url = new URL(container.dataset.graphUrl, window.location.href);
    if (toggle && toggle.checked) {
      url.searchParams.set("organizations", "1");
    }
    return url.toString();
  }

  function overlapUrl(a, b) {
    const [first, second] = [a, b].sort();
    return overlapTemplate
      .replace("__a__", encodeURIComponent(first))
      .replace("__b__", encodeURIComponent(second));
  }

  function element(tag, text, attributes) {
    const node = document.createElement(tag);
    if (text) {
      node.textContent = text;
    }
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    return node;
  }

  function link(href, text, className) {
    return element("a", text, className ? { href: href, class: className } : { href: href });
  }

  /* Deterministic starting positions: movements round a circle grouped by sector, each
   * organization beside its first movement. The layout then runs without randomness. */
  function positions(graph) {
    const movements = graph.nodes
      .filter((node) => node.type === "movement")
      .sort(
        (a, b) =>
          SECTOR_ORDER.indexOf(a.sector) - SECTOR_ORDER.indexOf(b.sector) ||
          a.name.localeCompare(b.name)
      );
    const radius = Math.max(160, movements.length * 14);
    const where = {};
    movements.forEach((node, index) => {
      const angle = (2 * Math.PI * index) / Math.max(movements.length, 1);
      where[node.id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
    let count = 0;
    graph.edges.forEach((edge) => {
      if (!where[edge.source] && where[edge.target]) {
        const angle = count * 2.39996; // the golden angle spreads them out
        const base = where[edge.target];
        where[edge.source] = { x: base.x + 40 * Math.cos(angle), y: base.y + 40 * Math.sin(angle) };
        count += 1;
      }
    });
    return where;
  }

  function elements(graph) {
    const where = positions(graph);
    const nodes = graph.nodes.map((node) => ({
      group: "nodes",
      data: {
        id: node.id,
        type: node.type,
        name: node.name,
        color: node.type === "movement" ? cssVar("--" + node.sector, ORGANIZATION) : ORGANIZATION,
        px: node.type === "movement" ? 22 + 10 * (node.size || 0) : 12,
        info: node,
      },
      position: where[node.id] || { x: 0, y: 0 },
    }));
    const edges = graph.edges.map((edge, index) => {
      const organization = edge.source.startsWith("organization:");
      return {
        group: "edges",
        data: {
          id: "edge-" + index,
          source: edge.source,
          target: edge.target,
          type: organization ? "organization" : "overlap",
          score: edge.score === null ? 0 : edge.score,
          width: organization ? 1 : 1 + 11 * edge.score,
          reasons: edge.reasons,
          strength: edge.strength || "",
        },
      };
    });
    return nodes.concat(edges);
  }

  const STYLE = [
    {
      selector: "node",
      style: {
        label: "data(name)",
        "font-family": "system-ui, sans-serif",
        "font-size": 14,
        "font-weight": 600,
        color: INK,
        "text-valign": "bottom",
        "text-halign": "center",
        "text-margin-y": 4,
        "text-wrap": "wrap",
        "text-max-width": 150,
        "text-outline-color": "#ffffff",
        "text-outline-width": 3,
        "min-zoomed-font-size": 7,
        "overlay-opacity": 0,
      },
    },
    {
      selector: 'node[type = "movement"]',
      style: {
        "background-color": "data(color)",
        width: "data(px)",
        height: "data(px)",
        "border-width": 2,
        "border-color": "#ffffff",
      },
    },
    {
      selector: 'node[type = "organization"]',
      style: {
        shape: "diamond",
        "background-color": ORGANIZATION,
        width: 12,
        height: 12,
        "font-size": 11,
        "font-weight": 400,
        color: MUTED,
        "text-max-width": 110,
      },
    },
    {
      selector: "edge",
      style: {
        "curve-style": "haystack",
        "haystack-radius": 0,
        "line-color": EDGE,
        width: "data(width)",
        opacity: "mapData(score, 0, 0.5, 0.25, 0.75)",
      },
    },
    {
      selector: 'edge[type = "organization"]',
      style: { "curve-style": "straight", "line-style": "dashed", opacity: 0.6 },
    },
    { selector: ".faded", style: { opacity: 0.12 } },
    { selector: "edge.near", style: { "line-color": INK, opacity: 0.85 } },
    { selector: "node:selected", style: { "border-color": INK, "border-width": 4 } },
  ];

  function highlight(node) {
    if (!cy) {
      return;
    }
    cy.elements().removeClass("faded near");
    if (!node) {
      return;
    }
    const neighbourhood = node.closedNeighborhood();
    cy.elements().not(neighbourhood).addClass("faded");
    neighbourhood.edges().addClass("near");
  }

  function clearPanel() {
    while (panel.firstChild) {
      panel.removeChild(panel.firstChild);
    }
  }

  function introPanel() {
    clearPanel();
    panel.appendChild(element("h2", "Pick a movement", { id: "map-panel-title" }));
    panel.appendChild(
      element(
        "p",
        "Point at a circle to light up its overlaps; click it to see who it overlaps with and why.",
        { class: "muted" }
      )
    );
  }

  function movementPanel(node) {
    const info = node.data("info");
    const heading = element("h2", null, { id: "map-panel-title" });
    heading.appendChild(link(info.url, info.name));
    panel.appendChild(heading);
    const meta = [info.sector_label, info.constituency].filter(Boolean).join(" · ");
    panel.appendChild(element("p", meta, { class: "map-panel__meta sector--" + info.sector }));
    panel.appendChild(element("p", info.people_label + " taking part now."));
    if (info.summary) {
      panel.appendChild(element("p", info.summary, { class: "map-panel__summary" }));
    }
    const open = element("p");
    open.appendChild(link(info.url, "Open the movement page", "map-panel__link"));
    panel.appendChild(open);

    panel.appendChild(element("h3", "Top overlaps"));
    const overlaps = node
      .connectedEdges('[type = "overlap"]')
      .sort((a, b) => b.data("score") - a.data("score"))
      .slice(0, TOP_OVERLAPS);
    if (overlaps.length === 0) {
      panel.appendChild(element("p", "No overlap drawn for this movement.", { class: "muted" }));
    } else {
      const list = element("ol", null, { class: "map-overlaps" });
      overlaps.forEach((edge) => {
        const other = edge.source().same(node) ? edge.target() : edge.source();
        const item = element("li");
        const title = element("p", null, { class: "map-overlaps__title" });
        title.appendChild(
          link(overlapUrl(info.slug, other.data("info").slug), other.data("name"))
        );
        // Words before numbers: the strength leads, the score is in the tooltip.
        const score = edge.data("score").toFixed(2);
        title.appendChild(
          element("span", edge.data("strength") || "score " + score, {
            class: "map-overlaps__score",
            title: "Overlap score " + score + " out of 1",
          })
        );
        item.appendChild(title);
        const reasons = element("ul", null, { class: "map-overlaps__reasons" });
        edge.data("reasons").forEach((reason) => reasons.appendChild(element("li", reason)));
        item.appendChild(reasons);
        list.appendChild(item);
      });
      panel.appendChild(list);
    }

    const organizations = node.connectedEdges('[type = "organization"]');
    if (organizations.length) {
      panel.appendChild(element("h3", "Organizations taking part"));
      const list = element("ul", null, { class: "map-panel__organizations" });
      organizations.forEach((edge) => {
        const organization = edge.source().data("info");
        const item = element("li");
        item.appendChild(link(organization.url, organization.name));
        item.appendChild(element("span", " — " + edge.data("reasons").join(" "), { class: "muted" }));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
  }

  function organizationPanel(node) {
    const info = node.data("info");
    const heading = element("h2", null, { id: "map-panel-title" });
    heading.appendChild(link(info.url, info.name));
    panel.appendChild(heading);
    panel.appendChild(element("p", info.kind_label, { class: "map-panel__meta" }));
    const open = element("p");
    open.appendChild(link(info.url, "Open the organization page", "map-panel__link"));
    panel.appendChild(open);
    panel.appendChild(element("h3", "Takes part in"));
    const list = element("ul", null, { class: "map-panel__organizations" });
    node.connectedEdges().forEach((edge) => {
      const movement = edge.target().data("info");
      const item = element("li");
      item.appendChild(link(movement.url, movement.name));
      item.appendChild(element("span", " — " + edge.data("reasons").join(" "), { class: "muted" }));
      list.appendChild(item);
    });
    panel.appendChild(list);
  }

  function select(node) {
    selected = node && node.nonempty() ? node : null;
    cy.nodes().unselect();
    highlight(selected);
    clearPanel();
    if (!selected) {
      introPanel();
      jump.value = "";
      return;
    }
    selected.select();
    if (selected.data("type") === "movement") {
      movementPanel(selected);
      jump.value = selected.id();
    } else {
      organizationPanel(selected);
      jump.value = "";
    }
  }

  function fillJump(graph) {
    while (jump.options.length > 1) {
      jump.remove(1);
    }
    graph.nodes
      .filter((node) => node.type === "movement")
      .sort((a, b) => a.name.localeCompare(b.name))
      .forEach((node) => jump.add(new Option(node.name, node.id)));
    jumpWrap.hidden = false;
  }

  function describe(graph) {
    const movements = graph.nodes.filter((node) => node.type === "movement").length;
    const organizations = graph.nodes.length - movements;
    const overlaps = graph.edges.filter((edge) => edge.source.startsWith("movement:")).length;
    if (!movements) {
      return "No movement matches these filters.";
    }
    let text = `${movements} movement${movements === 1 ? "" : "s"}, ${overlaps} overlap${overlaps === 1 ? "" : "s"} drawn`;
    if (organizations) {
      text += `, ${organizations} organization${organizations === 1 ? "" : "s"}`;
    }
    return text + ". Scroll or pinch to zoom, drag to pan.";
  }

  function draw(graph) {
    if (cy) {
      cy.destroy();
    }
    selected = null;
    introPanel();
    const count = graph.nodes.filter((node) => node.type === "movement").length;
    cy = window.cytoscape({
      container: container,
      elements: elements(graph),
      style: STYLE,
      minZoom: 0.15,
      maxZoom: 3,
      boxSelectionEnabled: false,
      selectionType: "single",
      layout: { name: "preset", fit: false },
    });
    cy.on("mouseover", "node", (event) => {
      container.classList.add("map-graph--pointing");
      highlight(event.target);
    });
    cy.on("mouseout", "node", () => {
      container.classList.remove("map-graph--pointing");
      highlight(selected);
    });
    cy.on("tap", "node", (event) => select(event.target));
    cy.on("tap", (event) => {
      if (event.target === cy) {
        select(null);
      }
    });
    // The layout follows each movement's strongest overlaps (its "backbone"); the weaker
    // ones are drawn but do not pull, so clusters stay readable. Stronger overlaps are
    // shorter, stiffer springs. The figures were tuned on the demo network.
    const backbone = cy.collection();
    cy.nodes('[type = "movement"]').forEach((node) => {
      backbone.merge(
        node
          .connectedEdges('[type = "overlap"]')
          .sort((a, b) => b.data("score") - a.data("score"))
          .slice(0, BACKBONE_EDGES)
      );
    });
    const frame = Math.max(1000, 200 * Math.sqrt(cy.nodes().length));
    const layout = cy
      .nodes()
      .union(backbone)
      .union(cy.edges('[type = "organization"]'))
      .layout({
        name: "cose",
        animate: false,
        randomize: false,
        fit: true,
        padding: 40,
        // A fixed frame (not the container's size) so every screen gets the same picture.
        boundingBox: { x1: 0, y1: 0, w: frame, h: frame * 0.65 },
        nodeDimensionsIncludeLabels: true,
        componentSpacing: 60,
        nodeRepulsion: (node) => (node.data("type") === "movement" ? 60000 : 10000),
        nodeOverlap: 20,
        idealEdgeLength: (edge) =>
          edge.data("type") === "organization" ? 30 : 20 + 100 * (1 - edge.data("score")),
        edgeElasticity: (edge) =>
          edge.data("type") === "organization" ? 40 : 3 / Math.max(edge.data("score"), 0.02) ** 2,
        gravity: 20,
        initialTemp: 300,
        coolingFactor: count > 120 ? 0.95 : 0.98,
        minTemp: 1.0,
      });
    layout.one("layoutstop", () => {
      window.requestAnimationFrame(() => {
        statusLine.textContent = describe(graph);
        fillJump(graph);
        controls.hidden = false;
        container.setAttribute("data-rendered-nodes", String(cy.nodes().length));
      });
    });
    layout.run();
  }

  function load() {
    const mine = ++request;
    container.removeAttribute("data-rendered-nodes");
    statusLine.textContent = "Loading the map…";
    fetch(graphUrl(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) {
          throw new Error("The map data answered " + response.status + ".");
        }
        return response.json();
      })
      .then((graph) => {
        if (mine === request) {
          draw(graph);
        }
      })
      .catch(() => {
        if (mine === request) {
          statusLine.textContent =
            "The map could not be loaded. The overlap table shows the same overlaps.";
        }
      });
  }

  if (toggle) {
    toggle.addEventListener("change", () => {
      const url = new URL(window.location.href);
      if (toggle.checked) {
        url.searchParams.set("organizations", "1");
      } else {
        url.searchParams.delete("organizations");
      }
      window.history.replaceState(null, "", url.toString());
      load();
    });
  }

  jump.addEventListener("change", () => {
    if (!cy) {
      return;
    }
    const node = jump.value ? cy.getElementById(jump.value) : null;
    select(node);
    if (selected) {
      cy.center(selected);
    }
  });

  controls.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-zoom]");
    if (!cy || !button) {
      return;
    }
    const centre = { x: container.clientWidth / 2, y: container.clientHeight / 2 };
    if (button.dataset.zoom === "fit") {
      cy.fit(undefined, 40);
    } else {
      const factor = button.dataset.zoom === "in" ? 1.25 : 0.8;
      cy.zoom({ level: cy.zoom() * factor, renderedPosition: centre });
    }
  });

  load();
})();
