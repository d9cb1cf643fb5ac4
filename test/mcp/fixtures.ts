/** Inputs shared by the MCP tests and bench/mcp.ts. */

/** 1,000 objects: 250 apps of a Deployment, a Service, a ConfigMap and a bare Pod, with the usual mistakes. */
export function bundle(apps = 250): string {
  const docs: string[] = [];
  for (let i = 0; i < apps; i++) {
    const name = `svc-${String(i).padStart(4, "0")}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: fleet}
spec:
  replicas: ${1 + (i % 3)}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/${name}:${i % 5 === 0 ? "latest" : `1.${i % 9}.0`}
          ports: [{containerPort: 8080}]
          envFrom: [{configMapRef: {name: ${name}-config}}]`);
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: fleet}
spec:
  selector: {app: ${i % 7 === 0 ? `${name}-typo` : name}}
  ports: [{port: 80, targetPort: 8080}]`);
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}-config, namespace: fleet}
data: {LOG_LEVEL: info, FEATURE_X: "${i % 2 === 0}"}`);
    docs.push(`apiVersion: v1
kind: Pod
metadata: {name: ${name}-debug, namespace: fleet}
spec:
  containers:
    - name: debug
      image: busybox:1.36
      securityContext: {privileged: ${i % 4 === 0}}`);
  }
  return docs.join("\n---\n") + "\n";
}
