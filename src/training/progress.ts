// verbose: 1 output: one plain line per epoch on stdout, Keras-like.

/** "Epoch 3/20 - 0.4s - loss: 0.1234 - accuracy: 0.9500 - val_loss: 0.2000" */
export function epochLine(epoch: number, epochs: number, seconds: number, logs: Record<string, number>): string {
  const parts = [`Epoch ${epoch + 1}/${epochs}`, `${seconds.toFixed(1)}s`];
  for (const [key, value] of Object.entries(logs)) parts.push(`${key}: ${formatValue(value)}`);
  return parts.join(' - ');
}

function formatValue(v: number): string {
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(3);
  return v.toFixed(4);
}
