"""The Kubernetes manifests (deploy/k8s) as objects, and the deployment policy they are held to.

``render(overlay)`` builds an overlay with ``kubectl kustomize`` when a kubectl with kustomize v5 is
installed, and otherwise with ``kustomize_subset`` below: the few kustomization fields this repository
uses (resources, namespace, labels, replicas, images, patches: strategic merge files, inline JSON 6902
and ``$patch: delete`` with a target), so the manifest tests run on a machine without kubectl too.
tests/deploy/test_manifests.py holds the two renderings equal wherever kubectl is there.

``violations(objects)`` names every breach of the deployment policy (restricted security context,
probes, resources, pinned images, no inline secrets, a PodDisruptionBudget per Deployment, services
that never migrate on start); an empty list is a pass.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("demo", "production")

# The Kubernetes versions the objects are validated against (schemas shipped by kubernetes-validate, 1.25 to
# its latest): the oldest minor still in wide support, the one of the kubectl here, the newest known.
KUBERNETES_VERSIONS = ("1.30", "1.32", "latest")

# Kinds that live outside a namespace (kustomize's namespace: leaves them alone).
CLUSTER_KINDS = {"Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
                 "CustomResourceDefinition", "PriorityClass", "IngressClass"}
POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}


def kubectl_kustomize() -> list[str] | None:
    """The command that renders with real kustomize (v5, the version of the fields used here), if any."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    out = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True, check=False).stdout
    m = re.search(r"Kustomize Version: v(\d+)", out)
    return [kubectl, "kustomize"] if m and int(m.group(1)) >= 5 else None


def render(overlay: str | Path, *, engine: str = "auto") -> list[dict[str, Any]]:
    path = Path(overlay) if isinstance(overlay, Path) else K8S / "overlays" / overlay
    cmd = kubectl_kustomize() if engine in ("auto", "kubectl") else None
    if engine == "kubectl" and cmd is None:
        raise RuntimeError("kubectl with kustomize v5 is not installed")
    if cmd is not None:
        out = subprocess.run([*cmd, str(path)], capture_output=True, text=True, check=True).stdout
        return [d for d in yaml.safe_load_all(out) if d]
    return kustomize_subset(path)


# --- a subset of kustomize ---------------------------------------------------------------------------

def _load(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    return obj["kind"], obj["metadata"]["name"]


def _matches(obj: dict[str, Any], target: dict[str, Any]) -> bool:
    if "kind" in target and obj["kind"] != target["kind"]:
        return False
    return "name" not in target or obj["metadata"]["name"] == target["name"]


def _merge(base: Any, patch: Any) -> Any:
    """Strategic merge as kustomize does it for the fields used here: maps merge, lists of named items
    (containers, env, volumes, ports) merge by name, other lists are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            out[k] = _merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if (isinstance(base, list) and isinstance(patch, list) and patch
            and all(isinstance(i, dict) and "name" in i for i in [*base, *patch])):
        out = [copy.deepcopy(i) for i in base]
        names = [i["name"] for i in out]
        for item in patch:
            if item["name"] in names:
                at = names.index(item["name"])
                out[at] = _merge(out[at], item)
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


def _json_patch(obj: dict[str, Any], ops: list[dict[str, Any]]) -> None:
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].lstrip("/").split("/")]
        node: Any = obj
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node[p]
        last = parts[-1]
        if op["op"] not in ("add", "replace", "remove"):
            raise ValueError(f"JSON patch op {op['op']} is not in the subset")
        if isinstance(node, list):
            if op["op"] == "remove":
                del node[int(last)]
            elif last == "-":
                node.append(copy.deepcopy(op["value"]))
            elif op["op"] == "add":
                node.insert(int(last), copy.deepcopy(op["value"]))
            else:
                node[int(last)] = copy.deepcopy(op["value"])
        elif op["op"] == "remove":
            del node[last]
        else:
            node[last] = copy.deepcopy(op["value"])


def _set_image(obj: dict[str, Any], images: list[dict[str, Any]]) -> None:
    spec = obj["spec"]["template"]["spec"] if obj["kind"] in POD_KINDS else None
    if spec is None:
        return
    for c in [*spec.get("initContainers", []), *spec.get("containers", [])]:
        name, _, tag = c["image"].partition(":")
        for img in images:
            if img["name"] == name:
                name = img.get("newName", name)
                if "digest" in img:
                    c["image"] = f"{name}@{img['digest']}"
                else:
                    c["image"] = f"{name}:{img.get('newTag', tag)}" if img.get("newTag", tag) else name


def kustomize_subset(path: Path) -> list[dict[str, Any]]:
    k = yaml.safe_load((path / "kustomization.yaml").read_text())
    known = {"apiVersion", "kind", "resources", "namespace", "labels", "replicas", "images", "patches"}
    if set(k) - known:
        raise ValueError(f"{path}: kustomization fields {sorted(set(k) - known)} are not in the subset")
    objs: list[dict[str, Any]] = []
    for res in k.get("resources", []):
        p = path / res
        objs += kustomize_subset(p) if p.is_dir() else _load(p)
    for patch in k.get("patches", []):
        docs = _load(path / patch["path"]) if "path" in patch else list(yaml.safe_load_all(patch["patch"]))
        target = patch.get("target")
        for doc in docs:
            if isinstance(doc, list):  # JSON 6902
                for o in objs:
                    if _matches(o, target):
                        _json_patch(o, doc)
                continue
            sel = target or {"kind": doc["kind"], "name": doc["metadata"]["name"]}
            if doc.get("$patch") == "delete":
                objs = [o for o in objs if not _matches(o, sel)]
                continue
            objs = [_merge(o, doc) if _matches(o, sel) else o for o in objs]
    for r in k.get("replicas", []):
        for o in objs:
            if o["metadata"]["name"] == r["name"] and o["kind"] in ("Deployment", "StatefulSet", "ReplicaSet"):
                o["spec"]["replicas"] = r["count"]
    for o in objs:
        if "namespace" in k and o["kind"] not in CLUSTER_KINDS:
            o["metadata"]["namespace"] = k["namespace"]
        for lab in k.get("labels", []):
            o["metadata"].setdefault("labels", {}).update(lab["pairs"])
        _set_image(o, k.get("images", []))
    return objs


# --- the policy ---------------------------------------------------------------------------------------

RESTRICTED_CONTAINER = {"runAsNonRoot": True, "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True}


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = obj["spec"]["template"]["spec"]
    return spec


def _image_pinned(image: str) -> bool:
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last and not last.endswith(":latest")


def violations(objects: list[dict[str, Any]]) -> list[str]:
    """Every breach of the deployment policy, as '<Kind>/<name>: what'."""
    found: list[str] = []
    pdb_selectors = [o["spec"]["selector"]["matchLabels"] for o in objects if o["kind"] == "PodDisruptionBudget"]
    for obj in objects:
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] == "Secret" and (obj.get("data") or obj.get("stringData")):
            found.append(f"{where}: secret values in the manifests (create the Secret in the cluster)")
        if obj["kind"] not in POD_KINDS:
            continue
        pod = _pod_spec(obj)
        psc = pod.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True or psc.get("runAsUser") != 10001:
            found.append(f"{where}: pod securityContext must run as non-root uid 10001")
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            found.append(f"{where}: pod seccompProfile must be RuntimeDefault")
        mounts_needed = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        for c in [*pod.get("initContainers", []), *pod["containers"]]:
            cw = f"{where} container {c['name']}"
            if not _image_pinned(c.get("image", "")):
                found.append(f"{cw}: image {c.get('image')!r} is untagged or :latest")
            sc = c.get("securityContext", {})
            for field, want in RESTRICTED_CONTAINER.items():
                if sc.get(field) is not want:
                    found.append(f"{cw}: securityContext.{field} must be {str(want).lower()}")
            if sc.get("capabilities", {}).get("drop") != ["ALL"]:
                found.append(f"{cw}: securityContext.capabilities.drop must be [ALL]")
            if sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
                found.append(f"{cw}: securityContext.seccompProfile must be RuntimeDefault")
            tmp = [m for m in c.get("volumeMounts", []) if m["mountPath"] == "/tmp" and m["name"] in mounts_needed]
            if not tmp:
                found.append(f"{cw}: /tmp must be an emptyDir (the root file system is read-only)")
            res = c.get("resources", {})
            if not res.get("requests", {}).get("cpu") or not res.get("requests", {}).get("memory") \
                    or not res.get("limits", {}).get("memory"):
                found.append(f"{cw}: resources need cpu and memory requests and a memory limit")
            for e in c.get("env", []):
                if "value" in e and re.search(r"SECRET|PASSWORD|TOKEN", e["name"]):
                    found.append(f"{cw}: {e['name']} is set inline; take it from the Secret (secretKeyRef)")
            if obj["kind"] == "Deployment":
                probes = {p: c.get(p, {}).get("httpGet", {}).get("path") for p in ("livenessProbe", "readinessProbe")}
                if probes != {"livenessProbe": "/healthz", "readinessProbe": "/readyz"}:
                    found.append(f"{cw}: needs livenessProbe /healthz and readinessProbe /readyz")
                env = {e["name"]: e.get("value") for e in c.get("env", [])}
                if env.get("YUNGUAN_RUN_MIGRATIONS") != "false":
                    found.append(f"{cw}: YUNGUAN_RUN_MIGRATIONS must be \"false\" (the migrate Job migrates)")
        if obj["kind"] == "Deployment":
            labels = obj["spec"]["template"]["metadata"]["labels"]
            if not any(sel.items() <= labels.items() for sel in pdb_selectors):
                found.append(f"{where}: no PodDisruptionBudget selects its pods")
    return found
