/** The `format` of reasoning_details this adapter writes and replays (OpenRouter's name for it). */
export const anthropicReasoningFormat = "anthropic-claude-v1";
