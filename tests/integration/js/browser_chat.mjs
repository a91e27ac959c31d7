// The web client Tern serves at / (converse.js), in Debian's headless Chromium driven by
// playwright-core: logs in as USERNAME, opens the chat with the roster contact PEER_NAME, sends
// a message and waits until the reply shows on the page. Prints one JSON line per event; exits 0
// once the reply is seen.
//   node browser_chat.mjs PAGE_URL USERNAME PASSWORD PEER_NAME
import { chromium } from "playwright-core";

const [pageUrl, username, password, peerName] = process.argv.slice(2);
const print = (event) => console.log(JSON.stringify(event));

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const failed = async (why) => {
  print({ event: "failed", why: String(why) });
  await browser.close();
  process.exit(1);
};
setTimeout(() => failed("timeout"), 50000);
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => print({ event: "pageerror", message: String(error) }));
  await page.goto(pageUrl);
  await page.locator('input[name="jid"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('#converse-login button[type="submit"]').click();
  const contact = page.locator("converse-roster-contact", { hasText: peerName }).first();
  await contact.waitFor({ timeout: 20000 });
  print({ event: "online" });
  await contact.locator("a").first().click();
  const textarea = page.locator("textarea.chat-textarea").first();
  await textarea.waitFor({ timeout: 15000 });
  await textarea.fill("hello from the browser");
  await textarea.press("Enter");
  print({ event: "sent" });
  const reply = page.locator(".chat-msg__text", { hasText: "hello back to the browser" }).first();
  await reply.waitFor({ timeout: 15000 });
  print({ event: "reply shown", text: await reply.innerText() });
  await browser.close();
  process.exit(0);
} catch (error) {
  await failed(error);
}
