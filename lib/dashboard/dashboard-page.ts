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
  h2 small { font-weight: 400; color: #6b7785; font-size: 12px; margin-left: 8px; }
  #feed { font-size: 13px; padding: 2px 8px; border-radius: 10px; background: #d9dee5; }
  #feed.open { background: #c9f0d3; } #feed.closed { background: #f8d0cc; }
  #summary { font-size: 14px; color: #4a5563; } #totals { font-size: 13px; color: #6b7785; }
  #nodes { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
  .node { background: #fff; border-radius: 8px; padding: 12px 14px; border-left: 6px solid #9aa5b1; box-shadow: 0 1px 2px #0002; }
  .node.up { border-left-color: #1f9d55; } .node.suspect { border-left-color: #d69e2e; }
  .node.down { border-left-color: #d64545; } .node.probation { border-left-color: #3182ce; }
  .node.draining { border-left-color: #805ad5; } .node.unusable { border-left-color: #702459; }
  .node.degraded { background: #fff8e6; }
  .badge { font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 8px; margin-left: 4px; }
  .badge.slow { background: #f6c453; color: #5c3d00; }
  .stale { color: #8a94a0; font-style: italic; }
  .address { font-size: 12px; color: #6b7785; display: flex; justify-content: space-between; gap: 8px; }
  #loading { color: #6b7785; font-size: 14px; padding: 30px 0; }
  .node h3 { margin: 0 0 4px; font-size: 15px; display: flex; justify-content: space-between; }
  .status { text-transform: uppercase; font-size: 12px; font-weight: 700; letter-spacing: .05em; }
  .unknown .status, .joining .status { color: #6b7785; } .up .status { color: #1f9d55; } .suspect .status { color: #b7791f; }
  .down .status { color: #d64545; } .probation .status { color: #3182ce; } .draining .status { color: #805ad5; } .unusable .status { color: #702459; }
  .node dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 6px 0; font-size: 13px; }
  .node dt { color: #6b7785; } .node dd { margin: 0; font-variant-numeric: tabular-nums; }
  .controls button { font: inherit; font-size: 12px; padding: 2px 10px; border-radius: 6px; border: 1px solid #9aa5b1; background: #f4f6f8; cursor: pointer; }
  svg { display: block; width: 100%; }
  .spark polyline { fill: none; stroke: #3182ce; stroke-width: 1.5; }
  .chart { background: #fff; border-radius: 8px; padding: 8px; box-shadow: 0 1px 2px #0002; }
  .chart .req { fill: none; stroke: #1f9d55; stroke-width: 2; } .chart .fail { fill: none; stroke: #d64545; stroke-width: 2; }
  .chart .node-line { fill: none; stroke-width: 1.6; } .chart .dashed { stroke-dasharray: 4 3; }
  .chart circle { stroke: none; }
  .c0 { stroke: #2b6cb0; color: #2b6cb0; fill: #2b6cb0; } .c1 { stroke: #dd6b20; color: #dd6b20; fill: #dd6b20; }
  .c2 { stroke: #38a169; color: #38a169; fill: #38a169; } .c3 { stroke: #805ad5; color: #805ad5; fill: #805ad5; }
  .c4 { stroke: #d53f8c; color: #d53f8c; fill: #d53f8c; } .c5 { stroke: #319795; color: #319795; fill: #319795; }
  .c6 { stroke: #975a16; color: #975a16; fill: #975a16; } .c7 { stroke: #4a5568; color: #4a5568; fill: #4a5568; }
  .chart polyline.node-line { fill: none; }
  .chart .grid { stroke: #e3e7ec; } .chart .axis-line, .chart .tick { stroke: #9aa5b1; }
  .chart text.axis { font-size: 10px; fill: #6b7785; font-variant-numeric: tabular-nums; }
  .marker line { stroke: #d64545; stroke-width: 1.2; stroke-dasharray: 3 3; } .marker text { font-size: 10px; fill: #b03030; font-weight: 700; }
  .marker.heal line { stroke: #1f9d55; } .marker.heal text { fill: #1f7a45; }
  .marker.control line { stroke: #805ad5; } .marker.control text { fill: #553c9a; }
  .legend { font-size: 12px; color: #4a5563; } .legend b.req { color: #1f9d55; } .legend b.fail { color: #d64545; }
  .legend b[class^=c] { margin-right: 6px; }
  #charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 14px; }
  #bottom { display: grid; grid-template-columns: 2fr 1fr; gap: 0 14px; }
  #log { background: #fff; border-radius: 8px; padding: 8px 12px; font: 12px ui-monospace, monospace; max-height: 300px; overflow: auto; box-shadow: 0 1px 2px #0002; }
  #log div { padding: 1px 0; border-bottom: 1px solid #eef0f3; }
  #log .empty { color: #8a94a0; font-style: italic; border: 0; padding: 6px 0; }
  #log time { color: #8a94a0; } #log .count { background: #e3e7ec; border-radius: 8px; padding: 0 6px; font-weight: 700; }
  #log .ev-status { font-weight: 700; background: #eef4ff; border-left: 3px solid #3182ce; padding-left: 6px; }
  #log .ev-fault { font-weight: 700; background: #fdecec; border-left: 3px solid #d64545; padding-left: 6px; }
  #log .ev-heal { background: #eaf7ee; border-left: 3px solid #1f9d55; padding-left: 6px; }
  #log .ev-slow { background: #fff8e6; border-left: 3px solid #d69e2e; padding-left: 6px; }
  #log .ev-sampling { color: #6b7785; font-style: italic; }
  #log .ev-failure { color: #b03030; }
  #log-note { font-size: 12px; color: #6b7785; margin: 4px 0 0; }
  #rules { background: #fff; border-radius: 8px; padding: 8px 12px 8px 26px; margin: 0; font-size: 12px; box-shadow: 0 1px 2px #0002; }
  #rules li { margin: 3px 0; }
</style>
</head>
<body>
<header>
  <h1>qdb-router</h1>
  <span id="feed">connecting …</span>
  <span id="summary"></span>
  <span id="totals"></span>
</header>
<h2>Nodes</h2>
<div id="loading">loading the cluster's health …</div>
<div id="nodes"></div>
<div id="charts">
<div><h2>Requests and failures per second <small>cluster; dashed lines mark faults (red), heals (green), control (purple)</small></h2>
<div class="chart"><svg id="chart-svg" viewBox="0 0 640 170" height="170" role="img" aria-label="requests and failures per second over time"></svg>
  <div class="legend"><b class="req">requests/s</b> <span id="rps">0</span> &nbsp; <b class="fail">failures/s</b> <span id="fps">0</span> &nbsp; retries/s <span id="retries">0</span></div></div></div>
<div><h2>Requests per second by node</h2>
<div class="chart"><svg id="nodes-svg" viewBox="0 0 640 170" height="170" role="img" aria-label="requests per second of each node over time"></svg>
  <div class="legend" id="nodes-legend"></div></div></div>
<div><h2>Latency by node <small>log scale</small></h2>
<div class="chart"><svg id="latency-svg" viewBox="0 0 640 170" height="170" role="img" aria-label="p50 and p99 latency of each node over time"></svg>
  <div class="legend" id="latency-legend"></div></div></div>
</div>
<div id="bottom">
<div><h2>Events</h2>
<div id="log"><div class="empty">No events yet. Status changes, injected faults, slow nodes, retries and failures appear here as they happen.</div></div>
<p id="log-note"></p></div>
<div><h2>Rules in force</h2>
<ul id="rules"><li>loading …</li></ul></div>
</div>
<script type="module" src="./app.js"></script>
</body>
</html>
`;
