import type * as vscode from 'vscode';

// API keys live in SecretStorage only. They reach an agent through its environment and nowhere
// else: never argv, the output channel, state files or the webview.
export const API_KEYS = [
  { provider: 'Anthropic', secret: 'orch.anthropicApiKey', env: 'ANTHROPIC_API_KEY' },
  { provider: 'OpenAI', secret: 'orch.openaiApiKey', env: 'OPENAI_API_KEY' },
] as const;

/** The environment entries for the keys the user has set; unset keys leave the inherited value. */
export async function apiKeyEnv(secrets: vscode.SecretStorage): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const key of API_KEYS) {
    const value = await secrets.get(key.secret);
    if (value !== undefined && value !== '') env[key.env] = value;
  }
  return env;
}
