// The Docker image builds from what the Dockerfile copies, and nothing else: replayed without a Docker engine (see
// test/helpers/dockerfile.ts), the build seeing only the copied files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { dockerSteps, replayDockerBuild } from '../helpers/dockerfile.js';
import { tempDir } from '../helpers/tmp.js';

const CHECKOUT = process.cwd();
const DOCKERFILE = readFileSync('Dockerfile', 'utf8');
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
// Two full type-checked builds of the project on a shared 2-core machine: ~40 s each measured here.
const BUILD_MS = 300_000;

describe('the Dockerfile', () => {
  it(
    'builds from its COPY lines alone, and the CLI in the copy answers --version and prints the shipped schema',
    async () => {
      const image = tempDir('modelctl-image-');
      await replayDockerBuild(CHECKOUT, image);
      const cli = join(image, 'bin/modelctl.js');
      expect((await execa('node', [cli, '--version'], { cwd: image })).stdout).toBe(version);
      const schema = await execa('node', [cli, 'schema'], { cwd: image, stripFinalNewline: false });
      expect(schema.stdout).toBe(readFileSync(join(image, 'schema/models.schema.json'), 'utf8'));
    },
    BUILD_MS,
  );

  it(
    'fails to build when it forgets a folder the build needs (common/, as it once did)',
    async () => {
      const forgetful = DOCKERFILE.replace(/^COPY common .*\n/m, '');
      expect(dockerSteps(forgetful).length).toBe(dockerSteps(DOCKERFILE).length - 1);
      await expect(replayDockerBuild(CHECKOUT, tempDir('modelctl-image-'), forgetful)).rejects.toThrow(
        /npm run prepare failed in the image:[\s\S]*common\//,
      );
    },
    BUILD_MS,
  );
});
