import { imageRuntimeEnv, parseImageRuntimeEnv } from './image-env';

describe('image runtime env (what the benchmarks run the API and worker with)', () => {
  it('reads NODE_OPTIONS and MALLOC_ARENA_MAX from the runtime stage only', () => {
    const dockerfile = [
      'FROM node AS build',
      'ENV NODE_OPTIONS="--max-old-space-size=4096" MALLOC_ARENA_MAX=8',
      'FROM node AS runtime',
      'ENV NODE_ENV=production \\',
      '    MALLOC_ARENA_MAX=2 \\',
      '    NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=512"',
    ].join('\n');
    expect(parseImageRuntimeEnv(dockerfile)).toEqual({
      MALLOC_ARENA_MAX: '2',
      NODE_OPTIONS: '--max-semi-space-size=4 --max-old-space-size=512',
    });
  });

  it('fails loudly when the runtime stage or a setting is missing', () => {
    expect(() => parseImageRuntimeEnv('FROM node AS build\n')).toThrow(/no "AS runtime"/);
    expect(() => parseImageRuntimeEnv('FROM node AS runtime\nENV MALLOC_ARENA_MAX=2\n')).toThrow(
      /NODE_OPTIONS/,
    );
  });

  it("the repository's Dockerfile bounds V8's heap for every process", () => {
    const env = imageRuntimeEnv();
    expect(env.NODE_OPTIONS).toMatch(/--max-semi-space-size=\d+/);
    expect(env.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    expect(env.MALLOC_ARENA_MAX).toBe('2');
  });
});
