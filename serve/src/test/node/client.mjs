// Sends one chat completion with an image through the official openai npm client and prints the
// reply as JSON: node client.mjs BASE_URL IMAGE_FILE MODEL PROMPT MAX_TOKENS
// Used by OpenAiNodeClientTest (serve module); the API key comes from OPENAI_API_KEY.
import { readFileSync } from "node:fs";
import OpenAI from "openai";

const [baseURL, imageFile, model, prompt, maxTokens] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.OPENAI_API_KEY ?? "unused", maxRetries: 0 });

const listed = [];
for await (const m of client.models.list()) {
  listed.push(m.id);
}
const image = readFileSync(imageFile).toString("base64");
const completion = await client.chat.completions.create({
  model,
  temperature: 0,
  max_tokens: Number(maxTokens),
  messages: [
    {
      role: "user",
      content: [
        { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } },
        { type: "text", text: prompt },
      ],
    },
  ],
});
console.log(
  JSON.stringify({
    models: listed,
    object: completion.object,
    model: completion.model,
    role: completion.choices[0].message.role,
    content: completion.choices[0].message.content,
    finish_reason: completion.choices[0].finish_reason,
  }),
);
