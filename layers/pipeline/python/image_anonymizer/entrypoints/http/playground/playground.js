// The playground: calls the HTTP API (GET /entities, POST /analyze-image, POST /redact-image)
// from the browser. No framework, no build step, nothing fetched but the API.
// Text read from the image is only ever put in the page with textContent, never as HTML.
"use strict";

(() => {
  const $ = (selector) => document.querySelector(selector);
  const connection = $("#connection");
  const fileInput = $("input[type=file][name=image]");
  const drop = $("#drop");
  const analyzeButton = $("[data-testid=analyze]");
  const redactButton = $("[data-testid=redact]");
  const errorBox = $("#error");
  const statusLine = $("#status");
  const original = $("#original");
  const boxes = $("#boxes");
  const resultPane = $("#result-pane");
  const result = $("#result");
  const download = $("#download");
  const entityList = $("#entity-list");
  const findingsPanel = $("#findings-panel");
  const findingsList = $("#findings");
  const typeToggles = $("#type-toggles");

  let file = null;
  let catalogue = [];  // GET /entities' "entities"
  let previewUrl = null;
  let resultUrl = null;
  let busy = false;

  // ---- connection -------------------------------------------------------------------------

  // The base URL: the field, else ?api= of the page's address, else the page's own origin.
  const params = new URLSearchParams(location.search);
  connection.api_url.value = params.get("api") || "";

  function apiBase() {
    const typed = connection.api_url.value.trim().replace(/\/+$/, "");
    if (typed) return typed;
    if (location.protocol === "http:" || location.protocol === "https:") return location.origin;
    throw new Error("Enter the API's base URL (this page was not served by the API).");
  }

  function apiHeaders(extra) {
    const headers = Object.assign({}, extra);
    const key = connection.api_key.value;
    if (key) headers["x-api-key"] = key;
    return headers;
  }

  // The API's error body is {"error": code, "message": text}; API Gateway's own is {"message"}.
  async function errorMessage(response) {
    let text = "";
    try {
      text = await response.text();
      const body = JSON.parse(text);
      if (body && typeof body.message === "string" && body.message) return body.message;
      if (body && typeof body.error === "string" && body.error) return body.error;
    } catch (ignored) {
      // not JSON: fall through to the status line
    }
    return `The API answered ${response.status} ${response.statusText}`.trim();
  }

  async function call(path, init) {
    let response;
    try {
      response = await fetch(apiBase() + path, init);
    } catch (error) {
      if (error instanceof TypeError) {
        throw new Error(
          `Could not reach ${apiBase()} (offline, a wrong URL, or an API that does not allow this page's origin).`,
        );
      }
      throw error;
    }
    if (!response.ok) throw new Error(await errorMessage(response));
    return response;
  }

  // ---- entity types -----------------------------------------------------------------------

  async function loadEntities() {
    entityList.replaceChildren(hint("Loading from GET /entities…"));
    try {
      const response = await call("/entities", { headers: apiHeaders({ Accept: "application/json" }) });
      catalogue = ((await response.json()).entities || []).filter((e) => e.requestable !== false);
      entityList.replaceChildren(...catalogue.map(entityCheckbox));
      hideError();
    } catch (error) {
      catalogue = [];
      entityList.replaceChildren(hint("Not loaded: the server's default types are looked for."));
      showError(`Entity types not loaded: ${error.message}`);
    }
  }

  function entityCheckbox(entity) {
    const label = document.createElement("label");
    label.title = entity.description || "";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "entity";
    box.value = entity.entity_type;
    box.checked = true;
    label.append(box, " " + entity.entity_type);
    return label;
  }

  function hint(text) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = text;
    return p;
  }

  function setAllEntities(checked) {
    for (const box of entityList.querySelectorAll("input[name=entity]")) box.checked = checked;
  }

  // What to ask for: nothing when every default type is ticked (the server's defaults),
  // else the types left out as exclude_entities, or the ticked ones as entities when a
  // type found only on request is among them.
  function entityFields(form) {
    if (!catalogue.length) return;
    const ticked = new Set(
      [...entityList.querySelectorAll("input[name=entity]:checked")].map((box) => box.value),
    );
    const defaults = catalogue.filter((e) => e.default !== false).map((e) => e.entity_type);
    const extra = catalogue.some((e) => e.default === false && ticked.has(e.entity_type));
    if (extra) {
      form.append("entities", [...ticked].join(","));
      return;
    }
    const left = defaults.filter((type) => !ticked.has(type));
    if (left.length) form.append("exclude_entities", left.join(","));
  }

  // ---- the image ----------------------------------------------------------------------------

  function choose(chosen) {
    if (!chosen) return;
    file = chosen;
    $("#file-name").textContent = `${file.name} (${Math.round(file.size / 1024)} KB)`;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    original.hidden = false;
    $(".placeholder").hidden = true;
    original.src = previewUrl;
    clearFindings();
    clearResult();
    hideError();
    statusLine.textContent = "";
    updateButtons();
  }

  original.addEventListener("error", () => {
    if (!file) return;
    original.hidden = true;
    const placeholder = $(".placeholder");
    placeholder.hidden = false;
    placeholder.textContent = "This browser cannot show this file; Analyse and Redact still send it.";
  });

  fileInput.addEventListener("change", () => choose(fileInput.files[0]));
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    choose(event.dataTransfer.files[0]);
  });

  function formData(withFill) {
    const form = new FormData();
    form.append("image", file, file.name);
    const threshold = $("[name=score_threshold]").value.trim();
    if (threshold) form.append("score_threshold", threshold);
    form.append("ocr_mode", $("[name=ocr_mode]").value);
    if (withFill) form.append("fill_color", $("[name=fill_color]").value);
    entityFields(form);
    return form;
  }

  // ---- analyse --------------------------------------------------------------------------------

  async function analyze() {
    const started = performance.now();
    const response = await call("/analyze-image", {
      method: "POST",
      body: formData(false),
      headers: apiHeaders({ Accept: "application/json" }),
    });
    const analysis = await response.json();
    showFindings(analysis);
    const count = analysis.entities.length;
    statusLine.textContent =
      `${count} finding${count === 1 ? "" : "s"} in ${seconds(started)}; ` +
      `${analysis.page_count} page${analysis.page_count === 1 ? "" : "s"}, ocr ${analysis.ocr_mode}.`;
  }

  function clearFindings() {
    boxes.replaceChildren();
    findingsList.replaceChildren();
    typeToggles.replaceChildren();
    findingsPanel.hidden = true;
  }

  function showFindings(analysis) {
    clearFindings();
    const { width, height } = analysis.image_dimensions;
    const hidden = new Set();
    const types = [...new Set(analysis.entities.map((e) => e.entity_type))].sort();
    const tagged = new Map();  // a box's place -> how many tags it has: the second goes below it

    analysis.entities.forEach((entity, index) => {
      const item = document.createElement("li");
      item.dataset.testid = "finding";
      item.dataset.type = entity.entity_type;
      item.dataset.index = String(index);
      const type = document.createElement("strong");
      type.textContent = entity.entity_type;
      const score = document.createElement("span");
      score.className = "score";
      score.textContent = entity.score.toFixed(2);
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = entity.text || "";
      item.append(type, score, text);
      if (entity.page > 0) item.append(page(entity.page));
      findingsList.append(item);

      const drawn = [];
      // Boxes are drawn over the first page only: a browser shows no other page of a TIFF or GIF.
      if (entity.page === 0) {
        entity.boxes.forEach((b, part) => {
          const box = document.createElement("div");
          box.className = "box";
          box.dataset.testid = "box";
          box.dataset.type = entity.entity_type;
          box.dataset.index = String(index);
          box.style.left = `${(100 * b.x) / width}%`;
          box.style.top = `${(100 * b.y) / height}%`;
          box.style.width = `${(100 * b.width) / width}%`;
          box.style.height = `${(100 * b.height) / height}%`;
          if (part === 0) {
            const place = `${b.x},${b.y},${b.width},${b.height}`;
            const earlier = tagged.get(place) || 0;
            tagged.set(place, earlier + 1);
            const tag = document.createElement("span");
            tag.textContent = `${entity.entity_type} ${entity.score.toFixed(2)}`;
            if (earlier % 2 === 1) tag.className = "below";
            box.append(tag);
          }
          boxes.append(box);
          drawn.push(box);
        });
      }
      const highlight = (on) => {
        item.classList.toggle("active", on);
        for (const box of drawn) box.classList.toggle("active", on);
      };
      for (const element of [item, ...drawn]) {
        element.addEventListener("mouseenter", () => highlight(true));
        element.addEventListener("mouseleave", () => highlight(false));
      }
    });

    for (const type of types) {
      const count = analysis.entities.filter((e) => e.entity_type === type).length;
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = type;
      box.dataset.testid = "type-toggle";
      box.addEventListener("change", () => {
        if (box.checked) hidden.delete(type);
        else hidden.add(type);
        for (const element of document.querySelectorAll(`.box, #findings li`)) {
          element.classList.toggle("off", hidden.has(element.dataset.type));
        }
      });
      label.append(box, ` ${type} (${count})`);
      typeToggles.append(label);
    }
    $("#findings-count").textContent = `(${analysis.entities.length})`;
    if (!analysis.entities.length) {
      const none = document.createElement("li");
      none.className = "hint";
      none.textContent = "Nothing found.";
      findingsList.append(none);
    }
    findingsPanel.hidden = false;
  }

  function page(index) {
    const span = document.createElement("span");
    span.className = "page";
    span.textContent = `page ${index + 1}`;
    return span;
  }

  // ---- redact ---------------------------------------------------------------------------------

  // Raw image bytes never start with 16 characters of the base64 alphabet (PNG, JPEG, TIFF,
  // BMP, WebP and GIF all have a binary byte there); base64 text always does.
  function looksLikeBase64(bytes) {
    const head = bytes.subarray(0, 16);
    return head.length > 0 && [...head].every((b) => /[A-Za-z0-9+/=\r\n]/.test(String.fromCharCode(b)));
  }

  async function redact() {
    const started = performance.now();
    // An image type in Accept: API Gateway (and serve) then answer with the bytes themselves.
    const type = file.type.startsWith("image/") ? file.type : "image/png";
    const response = await call("/redact-image", {
      method: "POST",
      body: formData(true),
      headers: apiHeaders({ Accept: type }),
    });
    const contentType = (response.headers.get("Content-Type") || type).split(";")[0];
    let bytes = new Uint8Array(await response.arrayBuffer());
    if (looksLikeBase64(bytes)) {
      const text = atob(new TextDecoder("ascii").decode(bytes).replace(/\s+/g, ""));
      bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    }
    clearResult();
    resultUrl = URL.createObjectURL(new Blob([bytes], { type: contentType }));
    result.src = resultUrl;
    download.href = resultUrl;
    download.download = `redacted-${file.name}`;
    resultPane.hidden = false;
    const covered = response.headers.get("X-Redacted-Entities");
    const verification = response.headers.get("X-Verification");
    statusLine.textContent =
      `Redacted in ${seconds(started)}` +
      (covered === null ? "" : `: ${covered} covered`) +
      (verification ? `, verification ${verification}.` : ".");
  }

  function clearResult() {
    if (resultUrl) URL.revokeObjectURL(resultUrl);
    resultUrl = null;
    result.removeAttribute("src");
    download.removeAttribute("href");
    resultPane.hidden = true;
  }

  // ---- plumbing -------------------------------------------------------------------------------

  function seconds(started) {
    return `${((performance.now() - started) / 1000).toFixed(1)} s`;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function hideError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  function updateButtons() {
    analyzeButton.disabled = redactButton.disabled = busy || !file;
  }

  async function run(action, label) {
    if (!file || busy) return;
    busy = true;
    updateButtons();
    hideError();
    statusLine.textContent = label;
    document.body.classList.add("busy");
    try {
      await action();
    } catch (error) {
      statusLine.textContent = "";
      showError(error.message);
    } finally {
      busy = false;
      document.body.classList.remove("busy");
      updateButtons();
    }
  }

  analyzeButton.addEventListener("click", () => run(analyze, "Analysing…"));
  redactButton.addEventListener("click", () => run(redact, "Redacting…"));
  $("#entities-all").addEventListener("click", () => setAllEntities(true));
  $("#entities-none").addEventListener("click", () => setAllEntities(false));
  connection.addEventListener("submit", (event) => {
    event.preventDefault();
    loadEntities();
  });

  loadEntities();
})();
