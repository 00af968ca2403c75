import { spawn, type ChildProcess } from 'node:child_process';

/** Starts bench/receiver-process.ts and returns its URL. */
export async function startReceiverProcess(): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./receiver-process.ts', import.meta.url).pathname],
    {
      // stdin is a pipe only so that the receiver can see this process end, even by a crash
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /PORT (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/hooks`, stop: () => child.kill() };
}
