"""The Helm chart, rendered by Helm's own engine (helm-python-sdk binds Helm's Go SDK: no helm binary,
no cluster), for its default values and for the production example: it lints clean, every manifest is
valid for Kubernetes, and it keeps the promises helm/README.md makes."""

from pathlib import Path

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
CHART = ROOT / "helm" / "ehc-portal"
PRODUCTION = ROOT / "helm" / "values-production.example.yaml"
# The oldest Kubernetes the chart allows (Chart.yaml's kubeVersion: native sidecars) and the newest
# kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
SECRET_SETTINGS = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "NOTIFY_API_KEY",
    "SENTRY_DSN",
    "STRIPE_SECRET_KEY",
}
CASES = ["default", "production"]


@pytest.fixture(scope="module")
def chart():
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def case_values(case: str) -> dict:
    return yaml.safe_load(PRODUCTION.read_text()) if case == "production" else {}


def manifests(chart, values: dict) -> list[dict]:
    rendered = chart.render(values, name="ehc", namespace="ehc", is_upgrade=True)
    return [
        document
        for path, text in sorted(rendered.items())
        if path.endswith(".yaml")
        for document in yaml.safe_load_all(text)
        if document
    ]


@pytest.fixture(scope="module", params=CASES)
def rendered(request, chart) -> tuple[dict, list[dict]]:
    values = case_values(request.param)
    return chart.merge_values(values), manifests(chart, values)


def of_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {
        o["metadata"]["labels"].get("app.kubernetes.io/component", o["metadata"]["name"]): o
        for o in objects
        if o["kind"] == kind
    }


def pod_specs(objects: list[dict]) -> dict[str, dict]:
    return {
        o["metadata"]["labels"]["app.kubernetes.io/component"]: o["spec"]["template"]["spec"]
        for o in objects
        if o["kind"] in ("Deployment", "Job")
    }


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kubernetes", KUBERNETES_VERSIONS)
def test_lints_clean(case, kubernetes):
    report = helm.lint(CHART, case_values(case), strict=True, kube_version=f"v{kubernetes}")
    assert report["errors"] == []
    # Severity 1 is information (Chart.yaml has no icon); 2 is a warning, 3 an error.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("kubernetes", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_kubernetes(rendered, kubernetes):
    _, objects = rendered
    for manifest in objects:
        # strict: an unknown field (a typo) is an error, as the API server's field validation makes it.
        kubernetes_validate.validate(manifest, kubernetes, strict=True)
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Job", "Service", "Ingress", "ConfigMap", "ServiceAccount"} <= kinds
    assert {"PodDisruptionBudget", "NetworkPolicy", "HorizontalPodAutoscaler"} <= kinds


def test_clamav_signatures_from_a_claim_the_chart_makes(chart):
    objects = manifests(chart, {"clamav": {"mode": "pvc"}})
    for manifest in objects:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSIONS[-1], strict=True)
    (claim,) = of_kind(objects, "PersistentVolumeClaim").values()
    for component in ("web", "worker"):
        spec = pod_specs(objects)[component]
        assert "initContainers" not in spec
        (volume,) = [v for v in spec["volumes"] if v["name"] == "clamav"]
        assert volume["persistentVolumeClaim"] == {"claimName": claim["metadata"]["name"], "readOnly": True}


def test_beat_is_one_replica_replaced_not_rolled(rendered):
    _, objects = rendered
    deployments = of_kind(objects, "Deployment")
    assert set(deployments) == {"web", "worker", "beat"}
    beat = deployments["beat"]["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}
    assert "beat" not in of_kind(objects, "HorizontalPodAutoscaler")
    assert "beat" not in of_kind(objects, "PodDisruptionBudget")


def test_replicas_and_autoscaling_follow_the_values(rendered):
    values, objects = rendered
    deployments = of_kind(objects, "Deployment")
    autoscalers = of_kind(objects, "HorizontalPodAutoscaler")
    for component in ("web", "worker"):
        wanted = values[component]
        if wanted["autoscaling"]["enabled"]:
            # The autoscaler owns the count: an upgrade that set replicas would reset it.
            assert "replicas" not in deployments[component]["spec"]
            assert autoscalers[component]["spec"]["minReplicas"] == wanted["autoscaling"]["minReplicas"]
            assert autoscalers[component]["spec"]["maxReplicas"] == wanted["autoscaling"]["maxReplicas"]
        else:
            assert deployments[component]["spec"]["replicas"] == wanted["replicas"]
            assert component not in autoscalers


def test_every_pod_is_non_root_with_a_read_only_root_and_no_capabilities(rendered):
    values, objects = rendered
    specs = pod_specs(objects)
    assert set(specs) == {"web", "worker", "beat", "migrate"}
    for component, spec in specs.items():
        assert spec["automountServiceAccountToken"] is False, component
        assert spec["securityContext"]["runAsNonRoot"] is True, component
        assert spec["securityContext"]["runAsUser"] == values["securityContext"]["runAsUser"] > 0
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, container["name"]
            assert context["readOnlyRootFilesystem"] is True, container["name"]
            assert context["allowPrivilegeEscalation"] is False, container["name"]
            assert context["capabilities"] == {"drop": ["ALL"]}, container["name"]
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, container["name"]
            assert container["resources"]["requests"], container["name"]
            assert container["resources"]["limits"], container["name"]
            # The only place a process may write: a scratch emptyDir (uploads waiting, beat's schedule).
            scratch = {m["name"] for m in container["volumeMounts"] if m["mountPath"] == "/tmp"}  # noqa: S108
            assert len(scratch) == 1, container["name"]
            assert "emptyDir" in volumes[scratch.pop()], container["name"]


def test_no_secret_is_rendered_and_secret_settings_come_from_existing_secrets(rendered):
    values, objects = rendered
    assert "Secret" not in {o["kind"] for o in objects}
    config = of_kind(objects, "ConfigMap")
    assert len(config) == 1
    assert not SECRET_SETTINGS & set(next(iter(config.values()))["data"])
    for component, spec in pod_specs(objects).items():
        for container in spec["containers"]:
            env = {e["name"]: e for e in container.get("env", [])}
            for name in SECRET_SETTINGS & set(env):
                assert "value" not in env[name], (component, name)
                assert set(env[name]["valueFrom"]) == {"secretKeyRef"}, (component, name)
            for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
                assert name in env, (component, name)
            for source in container.get("envFrom", []):
                assert set(source) <= {"configMapRef", "secretRef"}
            secrets = {s["secretRef"]["name"] for s in container.get("envFrom", []) if "secretRef" in s}
            assert secrets == set(values["envFromSecrets"]), component


def test_a_secret_value_in_the_values_is_refused(chart):
    with pytest.raises(helm.HelmValuesError, match="SECRET_KEY"):
        chart.render({"secretEnv": {"SECRET_KEY": "a-real-key"}}, name="ehc")
    with pytest.raises(helm.HelmValuesError, match="DATABASE_URL"):
        chart.render({"settings": {"DATABASE_URL": "postgres://ehc:password@db/ehc"}}, name="ehc")


def test_the_migration_job_is_a_pre_install_and_pre_upgrade_hook_sized_by_councils(rendered):
    values, objects = rendered
    jobs = of_kind(objects, "Job")
    assert set(jobs) == {"migrate"}
    job = jobs["migrate"]
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    # What the Job needs before the release's own objects exist is a hook too, and created first.
    for kind in ("ServiceAccount", "NetworkPolicy"):
        before = of_kind(objects, kind)["migrate"]["metadata"]["annotations"]
        assert before["helm.sh/hook"] == annotations["helm.sh/hook"]
        assert int(before["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"])
    m = values["migrate"]
    computed = (m["startupSeconds"] + m["councils"] * m["millisecondsPerCouncil"] // 1000) * m["safetyFactor"]
    assert job["spec"]["activeDeadlineSeconds"] == max(m["minimumDeadlineSeconds"], computed)
    assert job["spec"]["backoffLimit"] == m["backoffLimit"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["migrate"]
    database = next(e for e in container["env"] if e["name"] == "DATABASE_URL")["valueFrom"]["secretKeyRef"]
    wanted = m["databaseUrlSecret"] or values["secretEnv"]["DATABASE_URL"]
    assert (database["name"], database["key"]) == (wanted["secretName"], wanted["key"])


def test_the_deadline_grows_with_the_councils(chart):
    def deadline(councils: int) -> int:
        (job,) = [o for o in manifests(chart, {"migrate": {"councils": councils}}) if o["kind"] == "Job"]
        return job["spec"]["activeDeadlineSeconds"]

    m = chart.values["migrate"]
    assert deadline(20) == m["minimumDeadlineSeconds"]
    assert (
        deadline(2000)
        == (m["startupSeconds"] + 2000 * m["millisecondsPerCouncil"] // 1000) * m["safetyFactor"]
    )
    assert deadline(2000) > deadline(1000) > m["minimumDeadlineSeconds"]


def test_every_council_host_reaches_web_and_the_probes_name_the_platform(rendered):
    values, objects = rendered
    (ingress,) = of_kind(objects, "Ingress").values()
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == [values["platformHost"], f"*.{values['wildcardDomain']}", *values["customDomains"]]
    tls_hosts = {host for entry in ingress["spec"]["tls"] for host in entry["hosts"]}
    assert set(hosts) <= tls_hosts
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "103m"
    config = next(iter(of_kind(objects, "ConfigMap").values()))["data"]
    assert config["ALLOWED_HOSTS"].split(",") == [
        values["platformHost"],
        f".{values['wildcardDomain']}",
        *values["customDomains"],
    ]
    (web,) = pod_specs(objects)["web"]["containers"]
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = web[probe]["httpGet"]
        assert get["path"] == path
        assert get["httpHeaders"] == [{"name": "Host", "value": values["platformHost"]}]


def test_web_takes_traffic_only_from_the_ingress_controller_and_each_process_reaches_only_its_own(rendered):
    values, objects = rendered
    policies = of_kind(objects, "NetworkPolicy")
    assert set(policies) == {"web", "worker", "beat", "migrate"}
    namespaces = {
        source["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for rule in policies["web"]["spec"]["ingress"]
        for source in rule["from"]
    }
    assert namespaces == {values["networkPolicy"]["ingressNamespace"]} | (
        {values["networkPolicy"]["metricsNamespace"]} - {""}
    )
    for component, policy in policies.items():
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
        if component != "web":
            assert policy["spec"]["ingress"] == []
        ports = {port["port"] for rule in policy["spec"]["egress"] for port in rule["ports"]}
        assert 53 in ports
        assert set(values["networkPolicy"]["database"]["ports"]) <= ports
        assert (443 in ports) == (component in ("web", "worker"))
        for rule in policy["spec"]["egress"]:
            assert "to" in rule or {port["port"] for port in rule["ports"]} == {53}, component


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"web": {"replicas": "three"}}, "/web/replicas"),
        ({"platformHost": None}, "platformHost"),
        ({"secretEnv": {"DATABASE_URL": None}}, "DATABASE_URL"),
        ({"beat": {"replicas": 2}}, "replicas"),
        ({"clamav": {"mode": "baked-in"}}, "/clamav/mode"),
        ({"settings": {"DJANGO_SETTINGS_MODULE": "config.settings.local"}}, "DJANGO_SETTINGS_MODULE"),
        # Transaction pooling runs queries in another council's schema (tests/test_pooling.py).
        ({"settings": {"DATABASE_POOL_MODE": "transaction"}}, "DATABASE_POOL_MODE"),
    ],
)
def test_the_schema_refuses_a_wrong_or_missing_value(chart, bad, message):
    with pytest.raises(helm.HelmValuesError, match=message):
        chart.render(bad, name="ehc")
    report = helm.lint(CHART, bad)
    assert report["errors"] or [m for m in report["messages"] if m["severity"] == 3]
