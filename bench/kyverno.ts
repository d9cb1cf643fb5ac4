/** `npm run bench -- kyverno`: kintent's policy engine side by side with the Kyverno CLI (see test/conformance). */
import "../test/conformance/kyverno-bench.js";
