export declare const SECURITY_HEADERS: { key: string; value: string }[];
export declare const API_CSP: { key: string; value: string };
