// ExecStartPost for a foreign server under systemd: waits until its health URL answers 2xx, or fails after the budget.
// Usage: node wait-healthy.js <url> <budgetSeconds>
const [url, budgetText] = process.argv.slice(2);
const deadline = Date.now() + Number(budgetText ?? '120') * 1000;
for (;;) {
  const ok = await fetch(url!).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) process.exit(0);
  if (Date.now() > deadline) {
    console.error(`${url} was not healthy within ${budgetText} s`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
