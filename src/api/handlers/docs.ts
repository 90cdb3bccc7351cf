import { openApiJsonText, openApiYamlText, sendReferencePage } from '../../reference/referencePage';
import type { Handler } from '../types';

export const getOpenApiJson: Handler = (_c, _req, res) => {
  res.status(200).type('application/json').send(openApiJsonText());
};

export const getOpenApiYaml: Handler = (_c, _req, res) => {
  res.status(200).type('application/yaml').send(openApiYamlText());
};

/** The contract's /docs/ under /api/v1: the same page as GET /api/docs/ (see reference/referencePage.ts). */
export const getApiReference: Handler = (_c, _req, res) => {
  sendReferencePage(res);
};
