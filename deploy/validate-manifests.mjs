// Offline check of deploy/*.yaml: each object against the Kubernetes API schemas that the npm package
// kubernetes-models bundles (types, required fields, enums, formats), every field name against the
// package's type declarations (a misspelt field is otherwise silently ignored by the API server), and
// the facts the manifests share with the image and with each other.
//
//   node deploy/validate-manifests.mjs MODULES_DIR FILE.yaml...     (deploy/validate-manifests.sh installs MODULES_DIR)
// Prints one line per problem and exits 1 when there is any.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(path.join(modules, rel)).href);
const { parseAllDocuments } = await load("yaml/dist/index.js");

const kinds = {
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "v1/Service": "kubernetes-models/v1/Service",
  "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
};
const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

// Field names from the .d.ts interfaces: `"name"?: Type;` lines, with imported interface types followed.
const declared = new Map();
function fieldsOf(dts) {
  if (declared.has(dts)) return declared.get(dts);
  const text = fs.readFileSync(dts, "utf8");
  const imports = {};
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
    const spec = m[2].replace(/\.js$/, ".d.ts");
    imports[m[1]] = spec.startsWith(".") ? path.resolve(path.dirname(dts), spec) : path.join(modules, spec.endsWith(".d.ts") ? spec : spec + ".d.ts");
  }
  const body = text.slice(text.indexOf("export interface I"));
  const fields = {};
  for (const m of body.slice(0, body.indexOf("\n}")).matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) {
    const type = m[2].match(/^(?:Array<)?(I\w+)>?$/);
    fields[m[1]] = type && imports[type[1]] && fs.existsSync(imports[type[1]]) ? imports[type[1]] : null;
  }
  declared.set(dts, fields);
  return fields;
}
function unknownFields(value, dts, where) {
  if (value === null || typeof value !== "object" || !dts) return;
  if (Array.isArray(value)) return value.forEach((v, i) => unknownFields(v, dts, `${where}[${i}]`));
  const fields = fieldsOf(dts);
  for (const [key, v] of Object.entries(value)) {
    if (!(key in fields)) problem(where, `unknown field "${key}"`);
    else unknownFields(v, fields[key], `${where}.${key}`);
  }
}

const objects = [];
for (const file of files) {
  for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    if (doc.errors.length) { problem(file, `YAML: ${doc.errors[0].message}`); continue; }
    const obj = doc.toJS();
    if (!obj) continue;
    const id = `${obj.apiVersion}/${obj.kind}`;
    const where = `${path.basename(file)} ${obj.kind}/${obj.metadata?.name}`;
    if (!kinds[id]) { problem(where, `no schema here for ${id}`); continue; }
    const model = await load(`${kinds[id]}.js`);
    try {
      new model[obj.kind](obj).validate();
    } catch (e) {
      problem(where, `schema: ${e.message}`);
    }
    unknownFields(obj, path.join(modules, `${kinds[id]}.d.ts`), where);
    objects.push({ obj, where });
  }
}

// Facts shared with the image (Dockerfile) and between the objects.
const dockerfile = fs.readFileSync(path.join(path.dirname(files[0]), "..", "Dockerfile"), "utf8");
const imagePort = Number(dockerfile.match(/^ENV ASPNETCORE_HTTP_PORTS=(\d+)/m)?.[1]);
const find = (kind) => objects.filter((o) => o.obj.kind === kind);
for (const { obj: d, where } of find("Deployment")) {
  const pod = d.spec?.template?.spec ?? {};
  const labels = d.spec?.template?.metadata?.labels ?? {};
  const matches = (selector) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
  if (!matches(d.spec?.selector?.matchLabels)) problem(where, "spec.selector does not match the pod template's labels");
  const api = pod.containers?.find((c) => c.name === "api");
  if (!api) { problem(where, 'no container "api"'); continue; }
  const ports = api.ports ?? [];
  const env = Object.fromEntries((api.env ?? []).map((e) => [e.name, e.value]));
  const listens = Number(env.ASPNETCORE_HTTP_PORTS ?? imagePort);
  if (!ports.some((p) => p.containerPort === listens)) problem(where, `the Api listens on ${listens} (Dockerfile/env) but no containerPort says so`);
  const sysctl = (pod.securityContext?.sysctls ?? []).find((s) => s.name === "net.ipv4.ip_unprivileged_port_start");
  if (listens < 1024 && !(sysctl && Number(sysctl.value) <= listens))
    problem(where, `a non-root process cannot bind ${listens} without net.ipv4.ip_unprivileged_port_start <= ${listens}`);
  for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const get = api[probe]?.httpGet;
    if (!get) { problem(where, `${probe} missing`); continue; }
    if (!ports.some((p) => p.name === get.port || p.containerPort === get.port)) problem(where, `${probe} port ${get.port} is not a container port`);
    const expected = probe === "readinessProbe" ? "/health/ready" : "/health/live";
    if (get.path !== expected) problem(where, `${probe} asks ${get.path}, the Api answers ${expected}`);
  }
  const ctx = { ...pod.securityContext, ...api.securityContext };
  if (ctx.runAsNonRoot !== true || ctx.runAsUser !== 1654) problem(where, "must run as non-root uid 1654 (the image's app user)");
  if (api.securityContext?.readOnlyRootFilesystem !== true) problem(where, "readOnlyRootFilesystem must be true (the container test runs the image --read-only)");
  const tmp = (api.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
  if (!tmp || !(pod.volumes ?? []).some((v) => v.name === tmp.name && v.emptyDir)) problem(where, "/tmp must be an emptyDir volume (read-only root)");
  const quantity = (q) => { const m = String(q ?? "").match(/^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/); return m ? Number(m[1]) * ({ m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2]] ?? 1) : NaN; };
  const r = api.resources ?? {};
  for (const res of ["cpu", "memory"]) {
    if (r.requests?.[res] === undefined) problem(where, `resources.requests.${res} missing`);
    if (r.limits?.[res] !== undefined && !(quantity(r.requests?.[res]) <= quantity(r.limits[res]))) problem(where, `requests.${res} above limits.${res}`);
  }
  for (const { obj: s, where: sw } of find("Service")) {
    if (!Object.entries(s.spec?.selector ?? {}).every(([k, v]) => labels[k] === v)) problem(sw, `selector does not select ${where}'s pods`);
    for (const p of s.spec?.ports ?? []) {
      if (!ports.some((c) => c.name === p.targetPort || c.containerPort === p.targetPort)) problem(sw, `targetPort ${p.targetPort} is not a port of ${where}`);
    }
  }
  for (const { obj: h, where: hw } of find("HorizontalPodAutoscaler")) {
    const t = h.spec?.scaleTargetRef ?? {};
    if (t.kind !== "Deployment" || t.name !== d.metadata?.name) problem(hw, `scaleTargetRef is not ${where}`);
    if (!(h.spec?.minReplicas <= h.spec?.maxReplicas)) problem(hw, "minReplicas above maxReplicas");
    if (h.spec?.metrics?.some((m) => m.resource?.name === "cpu") && r.requests?.cpu === undefined) problem(hw, "CPU utilisation needs a CPU request");
  }
}
if (!find("Deployment").length) problem(files.join(" "), "no Deployment");

for (const p of problems) console.log(p);
console.log(`${files.length} files, ${objects.length} objects, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
