/** Multer's limit is fixed when the decorator runs, so it reads the environment directly (default 25 MB). */
export const UPLOAD_LIMIT_BYTES = () => Math.round(Number(process.env.PARLEY_UPLOAD_LIMIT_MB || 25) * 1024 * 1024);
