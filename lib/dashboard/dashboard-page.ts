/** The dashboard's HTML: plain markup and CSS; `app.js` fills it from the SSE feed. */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qdb-router dashboard</title>
<link rel="icon" href="./favicon.svg" type="image/svg+xml">
<style>
  :root { font-family: system-ui, sans-serif; color: #1d232b; background: #f4f6f8; }
  body { margin: 0; padding: 20px 28px; }
  header { display: flex; align-items: baseline; gap: 18px; flex-wrap: wrap; }
  h1 { font-size: 20px; margin: 0; }
  h2 { font-size: 15px; margin: 22px 0 8px; color: #4a5563; }
  #feed { font-size: 13px; padding: 2px 8px; border-radius: 10px; background: #d9dee5; }
  #feed.open { background: #c9f0d3; } #feed.closed { background: #f8d0cc; }
  #summary { font-size: 14px; color: #4a5563; }
  #nodes { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 14px; }
  .node { background: #fff; border-radius: 8px; padding: 12px 14px; border-left: 6px solid #9aa5b1; box-shadow: 0 1px 2px #0002; }
  .node.up { border-left-color: #1f9d55; } .node.suspect { border-left-color: #d69e2e; }
  .node.down { border-left-color: #d64545; } .node.probation { border-left-color: #3182ce; }
  .node.joining { border-left-color: #9aa5b1; border-left-style: dashed; } .node.draining { border-left-color: #805ad5; border-left-style: dashed; } .node.unusable { border-left-color: #702459; }
  .node.degraded { background: #fff8e6; }
  .badge { font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 8px; margin-left: 4px; }
  .badge.slow { background: #f6c453; color: #5c3d00; }
  .stale { color: #8a94a0; font-style: italic; }
  #loading { color: #6b7785; font-size: 14px; padding: 30px 0; }
  .node h3 { margin: 0 0 4px; font-size: 15px; display: flex; justify-content: space-between; }
  .status { text-transform: uppercase; font-size: 12px; font-weight: 700; letter-spacing: .05em; }
  .joining .status { color: #6b7785; } .draining .status { color: #805ad5; } .unusable .status { color: #702459; } .up .status { color: #1f9d55; } .suspect .status { color: #b7791f; } .down .status { color: #d64545; } .probation .status { color: #3182ce; }
  .node dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 6px 0; font-size: 13px; }
  .node dt { color: #6b7785; } .node dd { margin: 0; font-variant-numeric: tabular-nums; }
  svg { display: block; width: 100%; }
  .spark polyline { fill: none; stroke: #3182ce; stroke-width: 1.5; }
  #chart { background: #fff; border-radius: 8px; padding: 8px; box-shadow: 0 1px 2px #0002; }
  #chart .req { fill: none; stroke: #1f9d55; stroke-width: 2; } #chart .fail { fill: none; stroke: #d64545; stroke-width: 2; }
  #chart .grid { stroke: #e3e7ec; } #chart .axis-line, #chart .tick { stroke: #9aa5b1; }
  #chart text.axis { font-size: 10px; fill: #6b7785; font-variant-numeric: tabular-nums; }
  #legend { font-size: 12px; color: #4a5563; } #legend b.req { color: #1f9d55; } #legend b.fail { color: #d64545; }
  #log { background: #fff; border-radius: 8px; padding: 8px 12px; font: 12px ui-monospace, monospace; max-height: 260px; overflow: auto; box-shadow: 0 1px 2px #0002; }
  #log div { padding: 1px 0; border-bottom: 1px solid #eef0f3; }
  #log time { color: #8a94a0; } #log .count { background: #e3e7ec; border-radius: 8px; padding: 0 6px; font-weight: 700; }
  #log .ev-status { font-weight: 700; background: #eef4ff; border-left: 3px solid #3182ce; padding-left: 6px; }
  #log .ev-failure { color: #b03030; }
</style>
</head>
<body>
<header>
  <h1>qdb-router</h1>
  <span id="feed">connecting …</span>
  <span id="summary"></span>
</header>
<h2>Nodes</h2>
<div id="loading">loading the cluster's health …</div>
<div id="nodes"></div>
<h2>Requests and failures per second</h2>
<div id="chart"><svg id="chart-svg" viewBox="0 0 640 170" height="170" role="img" aria-label="requests and failures per second over time"></svg>
  <div id="legend"><b class="req">requests/s</b> <span id="rps">0</span> &nbsp; <b class="fail">failures/s</b> <span id="fps">0</span> &nbsp; retries/s <span id="retries">0</span></div></div>
<h2>Events</h2>
<div id="log"></div>
<script type="module" src="./app.js"></script>
</body>
</html>
`;
