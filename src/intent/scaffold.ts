/** Starting points written by `kintent init`. Every scaffold compiles cleanly (a test checks it). */
import { API_VERSION } from "./schema.js";

export function scaffoldApp(o: { name: string; image: string; port: number }): string {
  return `# ${o.name} — what this service needs, and why. Reference: \`kintent schema\`, README "Intent reference".
apiVersion: ${API_VERSION}
kind: App
metadata:
  name: ${o.name}
  labels:
    team: my-team                 # organisation labels go on every object
spec:
  image: ${o.image}
  port: ${o.port}
  probe: /healthz                 # readiness and liveness; change to your health endpoint
  resources: small                # small | medium | large | xlarge, or {requests, limits}
  # replicas: 3                   # default from the tier: production 3, staging 2, dev 1
  # autoscaling: {min: 2, max: 10, cpu: 70%}
  # expose: {host: ${o.name}.example.org}
  # env:
  #   LOG_LEVEL: info
  #   DB_PASSWORD: {secret: ${o.name}-db, key: password}   # references only, never values
  why: "Describe why this service exists and anything unusual about it."
`;
}

export function scaffoldPlatform(o: { name: string }): string {
  return `# Where apps run: owned by the platform team, shared by every app.
apiVersion: ${API_VERSION}
kind: Platform
metadata:
  name: my-platform
spec:
  ingress:
    kind: ingress                 # ingress | gateway | traefik | none
    className: nginx
  # tls: {issuer: letsencrypt-prod}
  environments:
    dev:
      cluster: https://kubernetes.default.svc
      namespace: ${o.name}-dev
      tier: dev
      sync: auto
    prod:
      cluster: https://kubernetes.default.svc
      namespace: ${o.name}
      sync: manual
  notes: []
`;
}
