import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fs from 'node:fs';
const lines = fs.readFileSync('/tmp/g5.jsonl','utf8').trim().split('\n');
for (let i=0;i<lines.length;i++) { fs.writeSync(2, i+'\n'); try { cedar.isAuthorized(JSON.parse(lines[i])); } catch(e) {} }
