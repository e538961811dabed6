/** The purposes a client may upload a file for (OpenAI's list). */
export const uploadPurposes = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"] as const;

export type UploadPurpose = (typeof uploadPurposes)[number];

/** Every purpose a stored file can have: batch results are written by the gateway, never uploaded. */
export type FilePurpose = UploadPurpose | "batch_output";

export function isUploadPurpose(value: string): value is UploadPurpose {
  return (uploadPurposes as readonly string[]).includes(value);
}
