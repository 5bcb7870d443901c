// fastnet demo: the page's behaviour. No library, no external resource.
"use strict";

const $ = (id) => document.getElementById(id);
const ENVOI = 112;            // side of the image sent to the server
let etat = null;              // last /api/etat
let versionPoids = -1;        // version of the weights drawn
let versionPredite = -1;      // network version of the last prediction
let dessinVide = true;

// ---- API ---------------------------------------------------------------
async function api(chemin, corps) {
  const options = corps === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(corps)};
  const reponse = await fetch(chemin, options);
  const doc = await reponse.json();
  if (!reponse.ok) throw new Error(doc.erreur || reponse.statusText);
  return doc;
}

// ---- tabs ----------------------------------------------------------------
function montrer(vue) {
  for (const nom of ["dessiner", "apprendre"]) {
    $("vue-" + nom).hidden = nom !== vue;
    $("onglet-" + nom).classList.toggle("actif", nom === vue);
  }
  if (vue === "apprendre") { versionPoids = -1; suivre(); }
}
$("onglet-dessiner").addEventListener("click", () => montrer("dessiner"));
$("onglet-apprendre").addEventListener("click", () => montrer("apprendre"));

// ---- drawing ---------------------------------------------------------------
const toile = $("dessin");
const ctx = toile.getContext("2d");
let trait = null;  // last point of the stroke being drawn

function point(ev) {
  const r = toile.getBoundingClientRect();
  return [(ev.clientX - r.left) * toile.width / r.width,
          (ev.clientY - r.top) * toile.height / r.height];
}
function segment(a, b) {
  ctx.lineWidth = +$("epaisseur").value;
  ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
  ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
}
toile.addEventListener("pointerdown", (ev) => {
  ev.preventDefault();
  toile.setPointerCapture(ev.pointerId);
  trait = point(ev);
  segment(trait, trait);
  dessinVide = false;
  demander();
});
toile.addEventListener("pointermove", (ev) => {
  if (!trait) return;
  const evs = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
  for (const e of (evs.length ? evs : [ev])) { const p = point(e); segment(trait, p); trait = p; }
  demander();
});
for (const fin of ["pointerup", "pointercancel", "lostpointercapture"]) {
  toile.addEventListener(fin, () => { if (trait) { trait = null; demander(); } });
}
$("effacer").addEventListener("click", () => {
  ctx.clearRect(0, 0, toile.width, toile.height);
  dessinVide = true;
  afficherPrediction(null);
});

// One request at a time: while one is out, later strokes only mark the
// drawing as changed, and the latest drawing is sent when it comes back.
let enCours = false, aRefaire = false;
const reduite = document.createElement("canvas");
reduite.width = reduite.height = ENVOI;
const rctx = reduite.getContext("2d", {willReadFrequently: true});

function demander() {
  if (dessinVide) return;
  if (enCours) { aRefaire = true; return; }
  enCours = true; aRefaire = false;
  rctx.clearRect(0, 0, ENVOI, ENVOI);
  rctx.imageSmoothingEnabled = true; rctx.imageSmoothingQuality = "high";
  rctx.drawImage(toile, 0, 0, ENVOI, ENVOI);
  const rgba = rctx.getImageData(0, 0, ENVOI, ENVOI).data;
  const pixels = new Array(ENVOI * ENVOI);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(rgba[4 * i + 3] / 2.55) / 100;
  const version = etat ? etat.version : -1;
  api("/api/dessin", {largeur: ENVOI, hauteur: ENVOI, pixels})
    .then((r) => { if (!dessinVide) { afficherPrediction(r); versionPredite = version; } })
    .catch((e) => { $("statut").textContent = "Erreur : " + e.message; })
    .finally(() => { enCours = false; if (aRefaire) demander(); });
}

// ---- outputs ---------------------------------------------------------------
const barres = [];
for (let k = 0; k < 10; k++) {
  const li = document.createElement("li");
  li.innerHTML = `<span class="etiquette">${k}</span><span class="fond"><span class="barre"></span></span><span class="valeur"></span>`;
  $("barres").appendChild(li);
  barres.push(li);
}
const apercu = $("apercu").getContext("2d");

function afficherPrediction(r) {
  const img = apercu.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const g = r ? Math.round(255 * r.image[i]) : 0;
    img.data.set([g, g, g, 255], 4 * i);
  }
  apercu.putImageData(img, 0, 0);
  barres.forEach((li, k) => {
    const v = r ? r.sorties[k] : 0;
    li.querySelector(".barre").style.width = (100 * v).toFixed(1) + "%";
    li.querySelector(".valeur").textContent = r ? v.toFixed(2).replace(".", ",") : "";
    li.classList.toggle("max", !!r && k === r.chiffre);
  });
  $("chiffre").textContent = r ? String(r.chiffre) : "?";
  document.body.dataset.chiffre = r ? String(r.chiffre) : "";
}
afficherPrediction(null);

// ---- training ----------------------------------------------------------------
$("formulaire").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const texte = $("cachees").value.trim();
  const cachees = texte === "" ? [] : texte.split(/[,; ]+/).map(Number);
  const corps = {cachees, epoques: +$("epoques").value, mini_batch: +$("mini_batch").value,
                 eta: +$("eta").value};
  $("erreur").textContent = "";
  api("/api/entrainer", corps)
    .then(() => { versionPoids = -1; suivre(); })
    .catch((e) => { $("erreur").textContent = e.message; });
});
$("arreter").addEventListener("click", () => api("/api/arreter", {}).then(suivre));

const MOTS = {vide: "aucun réseau", attente: "en attente", chargement: "chargement de MNIST…",
              entrainement: "entraînement", pret: "prêt", arrete: "arrêté", erreur: "erreur"};

function pourcent(x) { return (100 * x).toFixed(2).replace(".", ",") + " %"; }

function texteStatut(s) {
  const tailles = s.tailles ? "[" + s.tailles.join(", ") + "]" : "";
  const h = s.historique;
  let t = `Réseau ${tailles} : ${MOTS[s.etat] || s.etat}`;
  if (s.etat === "entrainement" || s.etat === "attente") t += ` (époque ${s.epoque} / ${s.epoques})`;
  if (h.precision.length) t += ` · précision ${pourcent(h.precision[h.precision.length - 1])}`;
  else if (s.source === "fichier") t += " · chargé d'un fichier";
  if (s.message) t += ` · ${s.message}`;
  return t;
}

async function suivre() {
  let s;
  try { s = await api("/api/etat"); } catch (e) {
    $("statut").textContent = "Serveur injoignable"; return;
  }
  const nouveau = !etat || s.version !== etat.version ||
                  s.historique.epoque.length !== etat.historique.epoque.length;
  etat = s;
  $("statut").textContent = texteStatut(s);
  const actif = s.etat === "entrainement" || s.etat === "attente" || s.etat === "chargement";
  $("entrainer").disabled = false;
  $("arreter").disabled = !actif;
  $("barre-progression").style.width = s.epoques ? (100 * s.epoque / s.epoques) + "%" : "0";
  $("progression-texte").textContent = s.epoques ? `Époque ${s.epoque} sur ${s.epoques}` : "";
  if (s.etat === "erreur") $("erreur").textContent = s.message;
  if (nouveau) {
    courbe($("courbe-precision"), s.historique.precision.map((p) => 100 * p), "%", [0, 100]);
    courbe($("courbe-cout"), s.historique.cout, "", null);
  }
  if (!$("vue-apprendre").hidden && s.version !== versionPoids) {
    versionPoids = s.version;
    api("/api/poids").then(dessinerPoids).catch(() => { versionPoids = -1; });
  }
  // the drawing's answer follows the network as it learns
  if (!dessinVide && s.version !== versionPredite) { versionPredite = s.version; demander(); }
}
setInterval(suivre, 500);
suivre();

// ---- charts ------------------------------------------------------------------
function joli(x) {  // 1, 2 or 5 times a power of ten, at least x
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x * 0.999);
}
function courbe(canvas, valeurs, unite, bornes) {
  const c = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const g = 46, d = 12, h = 12, b = 28;  // margins: left, right, top, bottom
  c.clearRect(0, 0, W, H);
  c.font = "11px system-ui, sans-serif"; c.fillStyle = "#5b6475"; c.strokeStyle = "#dde2ea";
  const n = Math.max(valeurs.length, 2);
  let lo = bornes ? bornes[0] : 0, hi = bornes ? bornes[1] : 1;
  if (valeurs.length && bornes) lo = Math.max(bornes[0], Math.floor(Math.min(...valeurs) / 10) * 10);
  if (valeurs.length && !bornes) hi = Math.max(...valeurs) || 1;
  if (hi - lo < 10 && bornes) lo = hi - 10;
  const pasY = joli((hi - lo) / 4);
  hi = Math.ceil(hi / pasY - 1e-9) * pasY;
  const X = (i) => g + (W - g - d) * i / (n - 1);
  const Y = (v) => H - b - (H - b - h) * (v - lo) / (hi - lo);
  const decimales = Math.max(0, -Math.floor(Math.log10(pasY) + 1e-9));
  c.textAlign = "right"; c.textBaseline = "middle";
  for (let v = lo; v <= hi + pasY / 2; v += pasY) {
    c.beginPath(); c.moveTo(g, Y(v)); c.lineTo(W - d, Y(v)); c.stroke();
    c.fillText(v.toFixed(decimales).replace(".", ",") + unite, g - 4, Y(v));
  }
  c.textAlign = "center"; c.textBaseline = "top";
  const pas = Math.max(1, Math.ceil((n - 1) / 8));
  for (let i = 0; i < n; i += pas) c.fillText(String(i), X(i), H - b + 4);
  c.fillText("époque", (g + W - d) / 2, H - 13);
  if (!valeurs.length) {
    c.textBaseline = "middle"; c.fillText("pas encore d'époque", (g + W - d) / 2, (H - b + h) / 2);
    return;
  }
  c.strokeStyle = "#c0392b"; c.lineWidth = 2; c.beginPath();
  valeurs.forEach((v, i) => (i ? c.lineTo(X(i), Y(v)) : c.moveTo(X(i), Y(v))));
  c.stroke();
  c.fillStyle = "#c0392b";
  valeurs.forEach((v, i) => { c.beginPath(); c.arc(X(i), Y(v), 2.5, 0, 2 * Math.PI); c.fill(); });
  c.lineWidth = 1;
}

// ---- hidden weights ------------------------------------------------------------
function dessinerPoids(doc) {
  const grille = $("grille");
  grille.textContent = "";
  doc.poids.forEach((image, n) => {
    const cv = document.createElement("canvas");
    cv.width = cv.height = 28;
    cv.title = `neurone ${n}`;
    let m = 0;
    for (const ligne of image) for (const v of ligne) m = Math.max(m, Math.abs(v));
    const ctx2 = cv.getContext("2d"), img = ctx2.createImageData(28, 28);
    image.flat().forEach((v, i) => {
      const t = m ? v / m : 0;  // -1 blue .. 0 white .. 1 red
      const rgb = t >= 0 ? [255, 255 - 200 * t, 255 - 210 * t] : [255 + 211 * t, 255 + 144 * t, 255];
      img.data.set([...rgb.map(Math.round), 255], 4 * i);
    });
    ctx2.putImageData(img, 0, 0);
    grille.appendChild(cv);
  });
  if (doc.neurones > doc.poids.length) {
    const p = document.createElement("p");
    p.className = "aide";
    p.textContent = `(les ${doc.poids.length} premiers sur ${doc.neurones})`;
    grille.appendChild(p);
  }
}
