#tok = affine_map<(b, s, e) -> (b, s, e)>
#row = affine_map<(b, s, e) -> (b, s)>
#feat = affine_map<(b, s, e) -> (e)>
#mm_in = affine_map<(b, s, k, n) -> (b, s, k)>
#mm_w = affine_map<(b, s, k, n) -> (k, n)>
#mm_out = affine_map<(b, s, k, n) -> (b, s, n)>
